using MessagePack;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql.Aggregates;

/// <summary>
/// The algebraic partial state of a SELECT's aggregates over some live rows: per item a count, an integer and a
/// floating sum, and the extreme value so far (serialized in its column type). COUNT keeps the count; SUM the sum;
/// AVG sum and count (so averages merge exactly: the mean of means would not); MIN/MAX the extreme. Two states merge
/// by adding counts and sums and keeping the smaller/larger extreme, so replicas aggregate their ranges and the
/// coordinator merges the partials in any order. Integer sums wrap on overflow as Cassandra's do.
/// </summary>
[MessagePackObject]
public sealed class AggregateState
{
    [Key(0)] public long[] Counts { get; set; } = [];
    [Key(1)] public long[] LongSums { get; set; } = [];
    [Key(2)] public double[] DoubleSums { get; set; } = [];
    [Key(3)] public byte[]?[] Extremes { get; set; } = [];

    public static AggregateState For(AggregatePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int n = plan.Items.Count;
        return new AggregateState { Counts = new long[n], LongSums = new long[n], DoubleSums = new double[n], Extremes = new byte[]?[n] };
    }

    /// <summary>Folds one live row (expired cells already dropped: <see cref="Core.Reads.LiveRows"/>).</summary>
    public void Add(AggregatePlan plan, object[] partitionKey, TableSchema table, Row row)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(row);
        object?[]? clustering = null;
        for (int i = 0; i < plan.Items.Count; i++)
        {
            var item = plan.Items[i];
            if (item.Column is null)
            {
                Counts[i]++;
                continue;
            }
            var column = item.Column;
            byte[]? bytes;
            object? value;
            switch (column.Kind)
            {
                case ColumnKind.Regular:
                    bytes = row.CellFor(column.Index) is { Value: { } v } ? v : null;
                    if (bytes is null) continue; // null: not counted, not summed (as CQL)
                    value = null;
                    break;
                case ColumnKind.PartitionKey:
                    value = partitionKey[column.Index];
                    bytes = null;
                    break;
                default:
                    clustering ??= ClusteringKeyCodec.Decode(table.Clustering, row.Clustering);
                    value = column.Index < clustering.Length ? clustering[column.Index] : null;
                    if (value is null) continue;
                    bytes = null;
                    break;
            }
            Counts[i]++;
            switch (item.Function)
            {
                case AggregateFunction.Count:
                    break;
                case AggregateFunction.Sum or AggregateFunction.Avg:
                    value ??= ValueCodec.Deserialize(column.Type, bytes!);
                    if (column.Type == ColumnType.Double) DoubleSums[i] += (double)value;
                    else LongSums[i] = unchecked(LongSums[i] + Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    bytes ??= ValueCodec.Serialize(column.Type, value, column.Name);
                    if (Extremes[i] is not { } best || Better(item.Function, column.Type, bytes, best)) Extremes[i] = bytes;
                    break;
            }
        }
    }

    /// <summary>Adds <paramref name="other"/> (a partial of disjoint rows) into this state.</summary>
    public void Merge(AggregatePlan plan, AggregateState other)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(other);
        int n = plan.Items.Count;
        if (other.Counts.Length != n || other.LongSums.Length != n || other.DoubleSums.Length != n || other.Extremes.Length != n)
            throw new FormatException($"a partial aggregate state has the wrong number of items (expected {n})");
        for (int i = 0; i < n; i++)
        {
            Counts[i] += other.Counts[i];
            LongSums[i] = unchecked(LongSums[i] + other.LongSums[i]);
            DoubleSums[i] += other.DoubleSums[i];
            if (other.Extremes[i] is { } e && plan.Items[i].Column is { } column
                && (Extremes[i] is not { } best || Better(plan.Items[i].Function, column.Type, e, best)))
                Extremes[i] = e;
        }
    }

    /// <summary>The final value of item <paramref name="i"/> (CLR value of its result type, or null).</summary>
    public object? Result(AggregatePlan plan, int i)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var item = plan.Items[i];
        long count = Counts[i];
        return item.Function switch
        {
            AggregateFunction.Count => (object)count,
            AggregateFunction.Sum => Number(item.Column!.Type, LongSums[i], DoubleSums[i]),
            AggregateFunction.Avg => count == 0 ? Number(item.Column!.Type, 0, 0)
                : item.Column!.Type == ColumnType.Double ? (object)(DoubleSums[i] / count) : Number(item.Column.Type, LongSums[i] / count, 0),
            _ => Extremes[i] is { } e ? ValueCodec.Deserialize(item.Column!.Type, e) : null,
        };
    }

    // Arms typed object: a switch over int, long and double would otherwise convert all three to double.
    private static object Number(ColumnType type, long integer, double floating) => type switch
    {
        ColumnType.Int => (object)unchecked((int)integer),
        ColumnType.BigInt => (object)integer,
        _ => (object)floating,
    };

    private static bool Better(AggregateFunction function, ColumnType type, byte[] candidate, byte[] best)
    {
        int c = ValueOrder.Compare(type, ValueCodec.Deserialize(type, candidate), ValueCodec.Deserialize(type, best));
        return function == AggregateFunction.Min ? c < 0 : c > 0;
    }
}

/// <summary>One partition's partial state under GROUP BY partition key (key bytes, token for ordering).</summary>
[MessagePackObject]
public sealed record AggregateGroup(
    [property: Key(0)] byte[] Key,
    [property: Key(1)] long Token,
    [property: Key(2)] AggregateState State);
