using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Storage.Engine;
using RingStore.Storage.Memtables;
using RingStore.Storage.Reads;

namespace RingStore.Node.Tests.Coordination;

/// <summary>
/// Random updates of one partition and replicas built from them. Small ranges (5 clustering keys, 3 columns,
/// timestamps 1..6) force ties and overlapping deletions, where merge bugs hide.
/// </summary>
internal static class PartitionGen
{
    public const string Table = "ks.t";
    public static readonly byte[] Key = [0, 1, 2];
    public static readonly Token KeyToken = Murmur3Partitioner.GetToken(Key);
    public const int NowSeconds = 100;

    private static readonly Gen<long> Ts = Gen.Long[1, 6];
    private static readonly Gen<byte[]> Value = Gen.Byte[0, 2].Array[1, 2];
    private static readonly Gen<byte[]> Clustering = Gen.Byte[1, 5].Select(b => new[] { b });

    public static Gen<Cell> CellFor(int column) =>
        Gen.Frequency(
            (4, Gen.Select(Ts, Value).Select((t, v) => Cell.Live(column, t, v))),
            (1, Gen.Select(Ts, Value, Gen.Int[1, 20], Gen.Int[85, 99]).Select((t, v, ttl, now) => Cell.Expiring(column, t, v, ttl, now))),
            (2, Gen.Select(Ts, Gen.Int[90, 99]).Select((t, now) => Cell.Tombstone(column, t, now))));

    private static readonly Gen<Cell[]> Cells =
        Gen.Int[0, 7].SelectMany(mask =>
            Enumerable.Range(0, 3).Where(c => (mask & (1 << c)) != 0)
                .Aggregate(Gen.Const(Array.Empty<Cell>()),
                    (acc, c) => Gen.Select(acc, CellFor(c)).Select((xs, x) => (Cell[])[.. xs, x])));

    private static readonly Gen<LivenessInfo> Liveness =
        Gen.Frequency((2, Gen.Const(LivenessInfo.None)), (3, Ts.Select(LivenessInfo.At)));

    private static readonly Gen<DeletionTime> Deletion =
        Gen.Frequency((5, Gen.Const(DeletionTime.Live)), (1, Gen.Select(Ts, Gen.Int[90, 99]).Select((t, s) => new DeletionTime(t, s))));

    private static readonly Gen<Row> Row =
        Gen.Select(Clustering, Liveness, Deletion, Cells).Select((ck, l, d, cs) => new Row(ck, l, d, cs));

    private static readonly Gen<ClusteringBound> Bound =
        Gen.Frequency((1, Gen.Const(ClusteringBound.Unbounded)), (4, Gen.Select(Clustering, Gen.Bool).Select((p, i) => new ClusteringBound(p, i))));

    private static readonly Gen<RangeTombstone> RangeTombstone =
        Gen.Select(Bound, Bound, Gen.Select(Ts, Gen.Int[90, 99]))
            .Select((s, e, d) => new RangeTombstone(new ClusteringSlice(s, e), new DeletionTime(d.Item1, d.Item2)));

    /// <summary>One write: mostly rows, sometimes a range or partition deletion. Rows sorted, one per key.</summary>
    public static readonly Gen<PartitionUpdate> Update =
        Gen.Select(
                Gen.Frequency((12, Gen.Const(DeletionTime.Live)), (1, Gen.Select(Ts, Gen.Int[90, 99]).Select((t, s) => new DeletionTime(t, s)))),
                Gen.Frequency((4, Gen.Const(Array.Empty<RangeTombstone>())), (1, RangeTombstone.Array[1, 1])),
                Row.Array[0, 3])
            .Select((pd, rts, rows) => new PartitionUpdate(Table, Key, pd, rts,
                rows.DistinctBy(r => r.Clustering[0]).OrderBy(r => r.Clustering[0]).ToArray()));

    /// <summary>Each replica's history: the updates it received (possibly none).</summary>
    public static Gen<PartitionUpdate[][]> Replicas(int count) => Update.Array[0, 5].Array[count, count];

    /// <summary>What a replica answers for the whole partition after applying <paramref name="updates"/>: null if none.</summary>
    public static MergedPartitionData? Apply(IEnumerable<PartitionUpdate> updates, bool reversed = false)
    {
        var sources = updates
            .Select(u => new PartitionSnapshot(u.PartitionKey, KeyToken, u.PartitionDeletion, u.RangeTombstones,
                reversed ? u.Rows.Reverse() : u.Rows))
            .ToList();
        var merged = PartitionMerger.Merge(sources, reversed);
        return merged is null
            ? null
            : new MergedPartitionData(merged.Key, merged.Token, merged.PartitionDeletion, merged.RangeTombstones.ToList(), merged.Rows.ToList());
    }

    /// <summary>The replica's data as an update (to merge more into it).</summary>
    public static PartitionUpdate AsUpdate(MergedPartitionData data) =>
        new(Table, data.Key, data.PartitionDeletion, data.RangeTombstones, data.Rows.OrderBy(r => r.Clustering[0]).ToArray());

    public static bool SameData(MergedPartitionData? a, MergedPartitionData? b) =>
        ResponseDigest.CanonicalBytes(a).AsSpan().SequenceEqual(ResponseDigest.CanonicalBytes(b));

    public static string Show(MergedPartitionData? d) =>
        d is null ? "null" : $"pd={d.PartitionDeletion} rts=[{string.Join(", ", d.RangeTombstones.Select(Show))}] rows=[{string.Join(", ", d.Rows.Select(ShowRow))}]";

    private static string Show(RangeTombstone rt) =>
        $"{(rt.Slice.Start.Inclusive ? "[" : "(")}{Convert.ToHexString(rt.Slice.Start.Prefix)}..{Convert.ToHexString(rt.Slice.End.Prefix)}{(rt.Slice.End.Inclusive ? "]" : ")")}@{rt.Deletion.MarkedForDeleteAtMicros}";

    private static string ShowRow(Row r) =>
        $"{Convert.ToHexString(r.Clustering)}:m{r.Liveness.TimestampMicros}/d{r.Deletion.MarkedForDeleteAtMicros}/{string.Join("|", r.Cells.Select(c => $"{c.Column}@{c.TimestampMicros}{(c.Value is null ? "x" : "=" + Convert.ToHexString(c.Value))}"))}";
}
