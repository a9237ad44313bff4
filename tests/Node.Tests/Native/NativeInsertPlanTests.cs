using System.Buffers.Binary;
using System.Text;
using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Serialization;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Api;
using RingStore.Node.Cql;
using RingStore.Node.Native;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// The prepared-INSERT fast path (<see cref="NativeInsertPlan"/>) against the slow path it replaces (the runner's bind:
/// native bytes → API values by each marker's type, then <see cref="ModificationBuilder"/>): for random tables (every
/// column type, composite keys, DESC clustering, a default TTL), random column orders, USING TTL/TIMESTAMP markers or
/// literals, and random values (valid ones of every type, and nulls, unset values, wrong sizes, invalid UTF-8,
/// out-of-range timestamps, non-v1 timeuuids, empty keys), the fast path builds an update exactly when the slow path
/// does, and the same bytes; where it declines, the runner runs the slow path, which gives the client its error.
/// </summary>
public sealed class NativeInsertPlanTests
{
    private static readonly ColumnType[] Types = Enum.GetValues<ColumnType>();

    private sealed record Case(TableSchema Table, string[] Order, int Using, NativeValue[] Values, long Timestamp, int Now)
    {
        public override string ToString() =>
            $"{string.Join(",", Table.PartitionKey.Select(c => c.Type))} | {string.Join(",", Table.Clustering.Select(c => $"{c.Type} {c.Order}"))} | " +
            $"{string.Join(",", Table.Regular.Select(c => c.Type))} ttl {Table.Options.DefaultTimeToLiveSeconds} order {string.Join(",", Order)} using {Using} " +
            $"values {string.Join(" ", Values.Select(v => v.IsUnset ? "unset" : v.Bytes is null ? "null" : Convert.ToHexString(v.Bytes)))}";
    }

    [Fact]
    public void Fast_path_builds_the_slow_paths_update_or_declines_exactly_where_the_slow_path_fails()
    {
        int built = 0, declined = 0;
        CaseGen.Sample(c =>
        {
            var insert = (InsertStatement)CqlParser.Parse(Text(c));
            var markerTypes = MarkerTypes(c.Table, insert);
            var plan = NativeInsertPlan.TryCreate(c.Table, insert, markerTypes);
            Assert.NotNull(plan);
            byte[]? slow = Slow(c, insert, markerTypes);
            bool fast = plan!.TryBuild(c.Values, c.Timestamp, c.Now, out var update);
            Assert.Equal(slow is not null, fast);
            if (fast)
            {
                Assert.Equal(Convert.ToHexString(slow!), Convert.ToHexString(Serialize(update)));
                built++;
            }
            else
            {
                declined++;
            }
        }, iter: 3000);
        // Both outcomes were exercised.
        Assert.True(built > 500, $"built {built}");
        Assert.True(declined > 100, $"declined {declined}");
    }

    [Fact]
    public void Statements_the_fast_path_does_not_take_are_left_to_the_executor()
    {
        var table = new TableSchema("ks", "t", [new ColumnDefinition("k", ColumnType.Int)], [new ClusteringColumn("c", ColumnType.Text)],
            [new ColumnDefinition("v", ColumnType.BigInt)]);
        NativeInsertPlan? Plan(string cql)
        {
            var insert = (InsertStatement)CqlParser.Parse(cql);
            return NativeInsertPlan.TryCreate(table, insert, MarkerTypes(table, insert));
        }
        Assert.Null(Plan("INSERT INTO ks.t (k, v) VALUES (?, ?)"));                 // a clustering column missing
        Assert.Null(Plan("INSERT INTO ks.t (k, c, nope) VALUES (?, ?, ?)"));        // an unknown column
        Assert.Null(Plan("INSERT INTO ks.t (k, c, v) VALUES (?, ?, 'text')"));      // a literal of the wrong type
        Assert.Null(Plan("INSERT INTO ks.t (k, c, v) VALUES (null, ?, ?)"));        // a null key literal
        Assert.NotNull(Plan("INSERT INTO ks.t (k, c, v) VALUES (1, ?, 5) USING TTL 10"));
    }

    private static string Text(Case c)
    {
        var values = c.Order.Select(n => n == "v0" && LiteralV0(c.Table, c.Using) ? "7" : "?");
        string @using = c.Using switch
        {
            1 => " USING TTL ?",
            2 => " USING TIMESTAMP ?",
            3 => " USING TTL ? AND TIMESTAMP ?",
            4 => " USING TTL 100",
            _ => "",
        };
        return $"INSERT INTO ks.t ({string.Join(", ", c.Order)}) VALUES ({string.Join(", ", values)}){@using}";
    }

    /// <summary>Each marker's bind type, as BindMetadata types them: the column's, [ttl] int, [timestamp] bigint.</summary>
    private static ColumnType?[] MarkerTypes(TableSchema table, InsertStatement insert)
    {
        var types = new ColumnType?[insert.BindMarkerCount];
        for (int i = 0; i < insert.Columns.Count; i++)
        {
            if (insert.Values[i] is BindMarker m)
            {
                try { types[m.Index] = ColumnRef.Resolve(table, insert.Columns[i]).Type; }
                catch (Core.Errors.InvalidRequestException) { types[m.Index] = null; }
            }
        }
        if (insert.Using.TimeToLive is BindMarker ttl) types[ttl.Index] = ColumnType.Int;
        if (insert.Using.Timestamp is BindMarker ts) types[ts.Index] = ColumnType.BigInt;
        return types;
    }

    /// <summary>The slow path's update (serialized), or null where it refuses the values.</summary>
    private static byte[]? Slow(Case c, InsertStatement insert, ColumnType?[] markerTypes)
    {
        try
        {
            var bound = new List<ProtoValue>();
            for (int i = 0; i < c.Values.Length; i++)
            {
                var v = c.Values[i];
                if (v.IsUnset) return null;
                bound.Add(v.Bytes is null ? new ProtoValue() : NativeValueCodec.ToProto(markerTypes[i]!.Value, v.Bytes, $"[{i}]"));
            }
            var binder = new TermBinder(new ProtoBoundValues(bound), insert.BindMarkerCount);
            var updates = ModificationBuilder.Build(c.Table, insert, binder, c.Timestamp, c.Now);
            return Serialize(Assert.Single(updates));
        }
        catch (Core.Errors.InvalidRequestException)
        {
            return null;
        }
    }

    private static byte[] Serialize(PartitionUpdate update)
    {
        var w = new BinaryWriterBuffer();
        DataSerializer.WritePartitionUpdate(w, update);
        return w.ToArray();
    }

    private static readonly Gen<ColumnType> TypeGen = Gen.Int[0, Types.Length - 1].Select(i => Types[i]);

    private static readonly Gen<TableSchema> TableGen =
        Gen.Select(TypeGen.Array[1, 2], Gen.Select(TypeGen, Gen.Bool).Array[0, 2], TypeGen.Array[0, 4], Gen.Int[0, 3])
            .Select((keys, clustering, regular, ttl) => new TableSchema("ks", "t",
                keys.Select((t, i) => new ColumnDefinition($"k{i}", t)).ToArray(),
                clustering.Select((x, i) => new ClusteringColumn($"c{i}", x.Item1, x.Item2 ? ClusteringOrder.Desc : ClusteringOrder.Asc)).ToArray(),
                regular.Select((t, i) => new ColumnDefinition($"v{i}", t)).ToArray(),
                new TableOptions { DefaultTimeToLiveSeconds = ttl == 3 ? 3600 : 0 }));

    /// <summary>A valid serialized value of <paramref name="type"/> (booleans any byte; doubles any bits, NaN payloads included).</summary>
    internal static Gen<byte[]> Valid(ColumnType type) => type switch
    {
        ColumnType.BigInt or ColumnType.Double => Gen.Long.Select(Long),
        ColumnType.Timestamp => Gen.Long[-62_135_596_800_000, 253_402_300_799_999].Select(Long),
        ColumnType.Int => Gen.Int.Select(i => { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, i); return b; }),
        ColumnType.Boolean => Gen.Byte.Select(b => new[] { b }),
        ColumnType.Text => Gen.String[Gen.Char, 0, 12].Select(s => Encoding.UTF8.GetBytes(s)),
        ColumnType.Blob => Gen.Byte.Array[0, 12],
        ColumnType.Uuid => Gen.Byte.Array[16],
        ColumnType.TimeUuid => Gen.Byte.Array[16].Select(b => { b[6] = (byte)(0x10 | (b[6] & 0x0F)); return b; }),
        _ => throw new InvalidOperationException(type.ToString()),
    };

    private static byte[] Long(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        return b;
    }

    /// <summary>Mostly a valid value; sometimes null, unset, random bytes of any length, invalid UTF-8, an out-of-range timestamp.</summary>
    internal static Gen<NativeValue> ValueGen(ColumnType type) => Gen.Frequency(
        (20, Valid(type).Select(b => new NativeValue(b, false))),
        (1, Gen.Const(NativeValue.Null)),
        (1, Gen.Const(NativeValue.Unset)),
        (1, Gen.Byte.Array[0, 17].Select(b => new NativeValue(b, false))),
        (1, Gen.Const(new NativeValue([0xC3, 0x28], false))),
        (1, Gen.Int[0, 2].Select(i => new[] { long.MaxValue, long.MinValue, 253_402_300_800_000L }[i]).Select(l => new NativeValue(Long(l), false))));

    private static readonly Gen<Case> CaseGen =
        from table in TableGen
        from seed in Gen.Int
        from @using in Gen.Int[0, 4]
        from timestamp in Gen.Long[1, long.MaxValue / 2]
        from now in Gen.Int[1_600_000_000, 1_900_000_000]
        let order = Shuffle(table, seed)
        let types = order.Select(n => ColumnRef.Resolve(table, n).Type)
            .Where((t, i) => !(order[i] == "v0" && LiteralV0(table, @using)))
            .Concat(@using is 1 or 3 ? [ColumnType.Int] : [])
            .Concat(@using is 2 or 3 ? [ColumnType.BigInt] : [])
            .ToArray()
        from values in UsingValues(types, @using)
        select new Case(table, order, @using, values, timestamp, now);

    /// <summary>Values for the markers; a TTL marker sometimes negative or too large, a TIMESTAMP marker sometimes long.MinValue.</summary>
    private static Gen<NativeValue[]> UsingValues(ColumnType[] types, int @using)
    {
        var gens = types.Select((t, i) =>
        {
            bool ttl = (@using is 1 or 3) && i == types.Length - (@using == 3 ? 2 : 1);
            bool ts = (@using is 2 or 3) && i == types.Length - 1;
            if (ttl) return Gen.Frequency((8, Gen.Int[0, 100_000]), (1, Gen.Bool.Select(b => b ? -1 : 630_720_001))).Select(v => { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); return new NativeValue(b, false); });
            if (ts) return Gen.Frequency((8, Gen.Long[1, long.MaxValue / 2]), (1, Gen.Const(long.MinValue))).Select(v => new NativeValue(Long(v), false));
            return ValueGen(t);
        }).ToArray();
        var all = Gen.Const(Array.Empty<NativeValue>());
        foreach (var g in gens) all = from a in all from v in g select a.Append(v).ToArray();
        return all;
    }

    /// <summary>With USING TTL 100, column v0 (when an int or bigint) gets the literal 7 instead of a marker.</summary>
    private static bool LiteralV0(TableSchema table, int @using) =>
        @using == 4 && table.Regular.Count > 0 && table.Regular[0].Type is ColumnType.Int or ColumnType.BigInt;

    private static string[] Shuffle(TableSchema table, int seed)
    {
        var names = table.PartitionKey.Select(c => c.Name).Concat(table.Clustering.Select(c => c.Name)).Concat(table.Regular.Select(c => c.Name)).ToArray();
        new Random(seed).Shuffle(names);
        return names;
    }
}
