using System.Buffers.Binary;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;
using RingStore.Cql;
using RingStore.Node.Cql;

namespace RingStore.Node.Native;

/// <summary>
/// A prepared INSERT's fast path (native EXECUTE): the partition update built straight from the bound [value]s, which
/// are already the CQL serialization the cells and keys carry, instead of native bytes → API value → CLR value →
/// bytes (<see cref="NativeStatementRunner"/>'s bind, then <see cref="ModificationBuilder"/>). Planned once per
/// prepared statement and table schema: which column each value meets, the key and regular columns, literals
/// serialized ahead. <see cref="TryBuild"/> gives the same update as the slow path for every value the slow path
/// accepts, and false for anything it might refuse (wrong size, null key, invalid UTF-8, out-of-range timestamp,
/// non-v1 timeuuid, bad TTL/TIMESTAMP), so the caller runs the slow path and the client gets its exact error.
/// Pure: no I/O, no clock (the caller passes the write time).
/// </summary>
public sealed class NativeInsertPlan
{
    private static readonly TermBinder NoValues = new(BoundValues.None, 0);

    private readonly InsertStatement _insert;
    private readonly ColumnType?[] _markerTypes;
    private readonly Slot[] _slots;
    private readonly int _regularCount;

    /// <summary>Where one INSERT value goes: its column, and either its marker index or its literal's bytes (null: a null literal).</summary>
    private readonly record struct Slot(ColumnKind Kind, int Index, string Name, ColumnType Type, int Marker, byte[]? Literal);

    private NativeInsertPlan(TableSchema table, InsertStatement insert, ColumnType?[] markerTypes, Slot[] slots, int regularCount)
    {
        Table = table;
        _insert = insert;
        _markerTypes = markerTypes;
        _slots = slots;
        _regularCount = regularCount;
    }

    /// <summary>The table schema the plan was made for; a different schema (ALTER) needs a new plan.</summary>
    public TableSchema Table { get; }

    /// <summary>How many [value]s an EXECUTE must carry.</summary>
    public int MarkerCount => _markerTypes.Length;

    /// <summary>
    /// The plan of <paramref name="insert"/> on <paramref name="table"/>, or null when the statement is one the fast path
    /// leaves to the executor (a repeated column, a missing key column, a literal or term the slow path would refuse or
    /// convert differently); <paramref name="markerTypes"/>: each marker's bind type as the slow path binds it.
    /// </summary>
    public static NativeInsertPlan? TryCreate(TableSchema table, InsertStatement insert, IReadOnlyList<ColumnType?> markerTypes)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(insert);
        ArgumentNullException.ThrowIfNull(markerTypes);
        if (insert.Columns.Count != insert.Values.Count || insert.Columns.Distinct(StringComparer.Ordinal).Count() != insert.Columns.Count) return null;
        var slots = new Slot[insert.Columns.Count];
        int keys = 0, clusterings = 0, regular = 0;
        try
        {
            for (int i = 0; i < slots.Length; i++)
            {
                var column = ColumnRef.Resolve(table, insert.Columns[i]);
                switch (insert.Values[i])
                {
                    case BindMarker marker when marker.Index >= 0 && marker.Index < markerTypes.Count && markerTypes[marker.Index] == column.Type:
                        slots[i] = new Slot(column.Kind, column.Index, column.Name, column.Type, marker.Index, null);
                        break;
                    case Literal literal:
                    {
                        object? value = LiteralConverter.ToValue(literal, column.Type, column.Name);
                        if (value is null && column.IsPrimaryKey) return null;
                        slots[i] = new Slot(column.Kind, column.Index, column.Name, column.Type, -1, value is null ? null : ValueCodec.Serialize(column.Type, value, column.Name));
                        break;
                    }
                    default:
                        return null;
                }
                switch (column.Kind)
                {
                    case ColumnKind.PartitionKey: keys++; break;
                    case ColumnKind.Clustering: clusterings++; break;
                    default: regular++; break;
                }
            }
        }
        catch (InvalidRequestException)
        {
            return null;
        }
        if (keys != table.PartitionKey.Count || clusterings != table.Clustering.Count) return null;
        // The cells in column order, as ModificationBuilder sorts them.
        Array.Sort(slots, (a, b) => a.Kind == b.Kind ? a.Index.CompareTo(b.Index) : a.Kind.CompareTo(b.Kind));
        return new NativeInsertPlan(table, insert, [.. markerTypes], slots, regular);
    }

    /// <summary>
    /// The partition update for one EXECUTE's <paramref name="values"/> (positional, marker order), written at
    /// <paramref name="defaultTimestampMicros"/> unless USING TIMESTAMP says otherwise; false when the slow path must
    /// decide (it may refuse the values with its own message).
    /// </summary>
    public bool TryBuild(IReadOnlyList<NativeValue> values, long defaultTimestampMicros, int nowSeconds, out PartitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(values);
        update = null!;
        if (values.Count != _markerTypes.Length) return false;
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].IsUnset) return false;
        }
        try
        {
            var options = WriteOptions.For(Table, _insert.Using, _insert.Using.IsEmpty ? NoValues : new TermBinder(new Values(values, _markerTypes), values.Count),
                defaultTimestampMicros, nowSeconds);
            var keyParts = new byte[Table.PartitionKey.Count][];
            var clusteringParts = Table.Clustering.Count == 0 ? [] : new byte[Table.Clustering.Count][];
            var cells = _regularCount == 0 ? [] : new Cell[_regularCount];
            int cell = 0;
            foreach (var slot in _slots)
            {
                byte[]? bytes = slot.Marker >= 0 ? values[slot.Marker].Bytes : slot.Literal;
                if (bytes is not null && slot.Marker >= 0 && !Valid(slot.Type, bytes)) return false;
                switch (slot.Kind)
                {
                    case ColumnKind.PartitionKey:
                        if (bytes is null) return false;
                        keyParts[slot.Index] = Stored(slot.Type, bytes);
                        break;
                    case ColumnKind.Clustering:
                        if (bytes is null) return false;
                        clusteringParts[slot.Index] = bytes;
                        break;
                    default:
                        // Setting a column to null deletes it, as in CQL.
                        cells[cell++] = bytes is null ? Cell.Tombstone(slot.Index, options.TimestampMicros, options.NowSeconds)
                            : options.TtlSeconds > 0 ? Cell.Expiring(slot.Index, options.TimestampMicros, Stored(slot.Type, bytes), options.TtlSeconds, options.NowSeconds)
                            : Cell.Live(slot.Index, options.TimestampMicros, Stored(slot.Type, bytes));
                        break;
                }
            }
            var marker = options.TtlSeconds > 0
                ? LivenessInfo.Expiring(options.TimestampMicros, options.TtlSeconds, options.NowSeconds)
                : LivenessInfo.At(options.TimestampMicros);
            var clustering = clusteringParts.Length == 0 ? [] : ClusteringKeyCodec.EncodeSerialized(Table.Clustering, clusteringParts);
            var row = new Row(clustering, marker, DeletionTime.Live, cells);
            update = PartitionUpdate.OfRows(Table.FullName, PartitionKeyCodec.Compose(keyParts), row);
            return true;
        }
        catch (InvalidRequestException)
        {
            return false;
        }
    }

    /// <summary>True when the bytes are a value of <paramref name="type"/> the slow path stores unchanged (or, for booleans, as 0/1).</summary>
    private static bool Valid(ColumnType type, byte[] bytes) => type switch
    {
        ColumnType.Text => System.Text.Unicode.Utf8.IsValid(bytes),
        ColumnType.Blob => true,
        ColumnType.BigInt or ColumnType.Double => bytes.Length == 8,
        ColumnType.Timestamp => bytes.Length == 8 && TimestampInRange(BinaryPrimitives.ReadInt64BigEndian(bytes)),
        ColumnType.Int => bytes.Length == 4,
        ColumnType.Boolean => bytes.Length == 1,
        ColumnType.Uuid => bytes.Length == 16,
        ColumnType.TimeUuid => bytes.Length == 16 && bytes[6] >> 4 == 1,
        _ => false,
    };

    private static readonly long MinTimestampMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimestampMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static bool TimestampInRange(long ms) => ms >= MinTimestampMs && ms <= MaxTimestampMs;

    /// <summary>
    /// The stored bytes of a valid bound value: the same array (the request owns it and is done with it), except that a
    /// boolean is stored as 0/1 and a double as the slow path's decode and re-encode of it leaves it.
    /// </summary>
    private static byte[] Stored(ColumnType type, byte[] bytes)
    {
        switch (type)
        {
            case ColumnType.Boolean:
                return bytes[0] is 0 or 1 ? bytes : [1];
            case ColumnType.Double:
            {
                var copy = new byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(copy, BinaryPrimitives.ReadDoubleBigEndian(bytes));
                return copy.AsSpan().SequenceEqual(bytes) ? bytes : copy;
            }
            default:
                return bytes;
        }
    }

    /// <summary>USING TTL/TIMESTAMP markers, decoded as the slow path decodes them (native bytes → API value → CLR value).</summary>
    private sealed class Values(IReadOnlyList<NativeValue> values, ColumnType?[] types) : IBoundValues
    {
        public int Count => values.Count;

        public object? Value(int index, ColumnType type, string column)
        {
            var bytes = values[index].Bytes;
            if (bytes is null) return null;
            var bindType = types[index] ?? throw new InvalidRequestException($"Cannot bind a value to {column}");
            return new Api.ProtoBoundValues([NativeValueCodec.ToProto(bindType, bytes, column)]).Value(0, type, column);
        }
    }
}
