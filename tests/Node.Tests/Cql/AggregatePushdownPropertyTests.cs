using CsCheck;
using RingStore.Coordination;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;
using RingStore.Node.Cql.Aggregates;
using RingStore.Node.Requests;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// Pushed-down aggregation against a model: random rows that are live, have a null or deleted cell, were deleted, or
/// expired by TTL (whole row or one cell), in random partitions; the pushed-down path cuts them into random token
/// ranges, folds each range on its own (<see cref="AggregateFolder"/>), sends each partial state through the wire
/// codec and merges them in random order; the model aggregates the live rows the plain way. Results must be equal
/// (doubles to rounding), grouped and not.
/// </summary>
public sealed class AggregatePushdownPropertyTests
{
    private const int Now = 1_000_000;

    private static readonly TableSchema Table = new("ks", "agg",
        [new ColumnDefinition("pk", ColumnType.Int)],
        [new ClusteringColumn("c", ColumnType.Int, ClusteringOrder.Asc)],
        [new ColumnDefinition("v", ColumnType.Int), new ColumnDefinition("d", ColumnType.Double), new ColumnDefinition("s", ColumnType.Text)]);

    private enum Fate { Live, NullV, Deleted, RowExpired, CellExpired }

    private sealed record Spec(int Pk, int C, Fate Fate, int V, double D, string S);

    private static readonly Gen<Spec> GenSpec = Gen.Select(Gen.Int[0, 15], Gen.Int[0, 20],
        Gen.Frequency((5, Gen.Const(Fate.Live)), (1, Gen.Const(Fate.NullV)), (1, Gen.Const(Fate.Deleted)), (1, Gen.Const(Fate.RowExpired)), (1, Gen.Const(Fate.CellExpired))),
        Gen.Int[-1000, 1000], Gen.Double[-100, 100], Gen.String[Gen.Char['a', 'e'], 0, 3],
        (pk, c, fate, v, d, s) => new Spec(pk, c, fate, v, d, s));

    private static readonly AggregatePlan Plan = new AggregatePlan(
    [
        new AggregateItem(AggregateFunction.Count, null),
        AggregatePlan.Item(Table, AggregateFunction.Count, "v"),
        AggregatePlan.Item(Table, AggregateFunction.Sum, "v"),
        AggregatePlan.Item(Table, AggregateFunction.Avg, "v"),
        AggregatePlan.Item(Table, AggregateFunction.Min, "v"),
        AggregatePlan.Item(Table, AggregateFunction.Max, "v"),
        AggregatePlan.Item(Table, AggregateFunction.Sum, "d"),
        AggregatePlan.Item(Table, AggregateFunction.Avg, "d"),
        AggregatePlan.Item(Table, AggregateFunction.Min, "s"),
        AggregatePlan.Item(Table, AggregateFunction.Max, "c"),
    ], false, []);

    private static Row RowOf(Spec s)
    {
        byte[] clustering = ClusteringKeyCodec.Encode(Table.Clustering, [s.C]);
        const long ts = 10;
        Cell V(int ttlAgo = 0) => ttlAgo > 0 ? Cell.Expiring(0, ts, ValueCodec.Serialize(ColumnType.Int, s.V), 10, Now - ttlAgo) : Cell.Live(0, ts, ValueCodec.Serialize(ColumnType.Int, s.V));
        var others = new[] { Cell.Live(1, ts, ValueCodec.Serialize(ColumnType.Double, s.D)), Cell.Live(2, ts, ValueCodec.Serialize(ColumnType.Text, s.S)) };
        return s.Fate switch
        {
            Fate.Live => new Row(clustering, LivenessInfo.At(ts), DeletionTime.Live, [V(), .. others]),
            Fate.NullV => new Row(clustering, LivenessInfo.At(ts), DeletionTime.Live, [Cell.Tombstone(0, ts, Now - 5), .. others]),
            Fate.Deleted => new Row(clustering, LivenessInfo.None, new DeletionTime(ts, Now - 5), []),
            // Written with TTL 10 at Now-100: the marker and every cell expired long ago.
            Fate.RowExpired => new Row(clustering, LivenessInfo.Expiring(ts, 10, Now - 100), DeletionTime.Live,
                [V(100), Cell.Expiring(1, ts, ValueCodec.Serialize(ColumnType.Double, s.D), 10, Now - 100), Cell.Expiring(2, ts, ValueCodec.Serialize(ColumnType.Text, s.S), 10, Now - 100)]),
            _ => new Row(clustering, LivenessInfo.At(ts), DeletionTime.Live, [V(100), .. others]),
        };
    }

    private static List<MergedPartitionData> Partitions(Spec[] specs) => specs
        .GroupBy(s => s.Pk)
        .Select(g =>
        {
            byte[] key = PartitionKeyCodec.Serialize(Table.PartitionKey, [g.Key]);
            var rows = g.DistinctBy(s => s.C).OrderBy(s => s.C).Select(RowOf).ToList();
            return new MergedPartitionData(key, Murmur3Partitioner.GetToken(key), DeletionTime.Live, [], rows);
        })
        .OrderBy(p => p.Token).ThenBy(p => p.Key, ByteArrayComparer.Instance).ToList();

    /// <summary>The live rows as the model sees them: one per (pk, c), the first spec wins (as <see cref="Partitions"/>).</summary>
    private static List<Spec> Live(Spec[] specs) => specs.GroupBy(s => s.Pk).SelectMany(g => g.DistinctBy(s => s.C))
        .Where(s => s.Fate is Fate.Live or Fate.NullV or Fate.CellExpired).ToList();

    private static object?[] Model(IReadOnlyList<Spec> live)
    {
        var withV = live.Where(s => s.Fate == Fate.Live).ToList();
        return
        [
            (long)live.Count,
            (long)withV.Count,
            unchecked((int)withV.Sum(s => (long)s.V)),
            withV.Count == 0 ? 0 : (int)(withV.Sum(s => (long)s.V) / withV.Count),
            withV.Count == 0 ? null : withV.Min(s => s.V),
            withV.Count == 0 ? null : withV.Max(s => s.V),
            live.Sum(s => s.D),
            live.Count == 0 ? 0.0 : live.Sum(s => s.D) / live.Count,
            live.Count == 0 ? null : live.Select(s => s.S).OrderBy(x => x, StringComparer.Ordinal).First(),
            live.Count == 0 ? null : live.Max(s => s.C),
        ];
    }

    private static void AssertSame(object?[] expected, AggregatePlan plan, AggregateState state)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            var actual = state.Result(plan, i);
            if (expected[i] is double e) Assert.Equal(e, (double)actual!, 6);
            else Assert.Equal(expected[i], actual);
        }
    }

    /// <summary>Folds each range alone, ships each partial through the wire codec, merges them in the given order.</summary>
    private static (AggregateState Total, List<AggregateGroup> Groups) PushDown(AggregatePlan plan, List<MergedPartitionData> partitions, int[] cuts, int seed)
    {
        var bounds = cuts.Select(c => Math.Min(c, partitions.Count)).Append(0).Append(partitions.Count).Distinct().Order().ToList();
        var partials = new List<RangeAggregateResponseMessage>();
        for (int r = 0; r + 1 < bounds.Count; r++)
        {
            var folder = new AggregateFolder(plan, Table, Now);
            foreach (var p in partitions.Skip(bounds[r]).Take(bounds[r + 1] - bounds[r])) folder.Add(p);
            var message = new RangeAggregateResponseMessage(1, plan.GroupByPartition ? null : folder.Total, plan.GroupByPartition ? folder.Groups.ToArray() : null);
            partials.Add(CoordinationMessageSerializer.Deserialize<RangeAggregateResponseMessage>(CoordinationMessageSerializer.Serialize(message)));
        }
        var total = AggregateState.For(plan);
        var random = new Random(seed);
        foreach (var partial in partials.OrderBy(_ => random.Next())) if (partial.Total is { } t) total.Merge(plan, t);
        return (total, partials.SelectMany(p => p.Groups ?? []).ToList());
    }

    [Fact]
    public void Pushed_down_aggregates_equal_the_model_over_live_rows()
    {
        Gen.Select(GenSpec.Array[0, 80], Gen.Int[0, 20].Array[0, 6], Gen.Int).Sample((specs, cuts, seed) =>
        {
            var (total, _) = PushDown(Plan, Partitions(specs), cuts, seed);
            AssertSame(Model(Live(specs)), Plan, total);
        }, iter: 300);
    }

    [Fact]
    public void Grouped_by_partition_each_group_equals_the_model_of_its_partition()
    {
        var grouped = Plan with { GroupByPartition = true };
        Gen.Select(GenSpec.Array[0, 80], Gen.Int[0, 20].Array[0, 6], Gen.Int).Sample((specs, cuts, seed) =>
        {
            var partitions = Partitions(specs);
            var (_, groups) = PushDown(grouped, partitions, cuts, seed);
            var live = Live(specs);
            var expectedKeys = partitions.Where(p => live.Any(s => PartitionKeyCodec.Serialize(Table.PartitionKey, [s.Pk]).AsSpan().SequenceEqual(p.Key)))
                .Select(p => Convert.ToHexString(p.Key)).ToList();
            Assert.Equal(expectedKeys, groups.Select(g => Convert.ToHexString(g.Key)).ToList()); // token order, live partitions only
            foreach (var group in groups)
            {
                int pk = (int)PartitionKeyCodec.Deserialize(Table.PartitionKey, group.Key)[0];
                AssertSame(Model(live.Where(s => s.Pk == pk).ToList()), grouped, group.State);
            }
        }, iter: 200);
    }
}
