using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Memtables;
using RingStore.Storage.Reads;
using RingStore.Storage.Tests.SSTables;

namespace RingStore.Storage.Tests.Reads;

/// <summary>
/// The merge's range-tombstone sweep gives exactly what checking every tombstone against every row gives: random
/// sources of rows, random tombstones over arbitrary byte prefixes (inclusive, exclusive, open, empty, nested,
/// overlapping), forward and reversed.
/// </summary>
public sealed class RangeTombstoneSweepTests
{
    private static readonly Gen<ClusteringBound> BoundGen = Gen.Frequency(
        (1, Gen.Const(ClusteringBound.Unbounded)),
        (6, Gen.Select(Gen.Byte[0, 4].Array[1, 3], Gen.Bool, (prefix, inclusive) => new ClusteringBound(prefix, inclusive))));

    private static readonly Gen<RangeTombstone> TombstoneGen =
        Gen.Select(BoundGen, BoundGen, Gen.Long[1, 1000], (s, e, ts) => new RangeTombstone(new ClusteringSlice(s, e), new DeletionTime(ts, 1_200)));

    private static readonly Gen<Row> RowGen =
        Gen.Select(Gen.Byte[0, 4].Array[0, 3], Gen.Long[1, 1000], (ck, ts) => new Row(ck, LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, [1])]));

    [Fact]
    public void Sweep_matches_checking_every_tombstone_per_row()
    {
        Gen.Select(RowGen.Array[0, 30].Array[1, 4], TombstoneGen.Array[0, 12].Array[1, 4], Gen.Bool, Gen.Long[0, 1000])
            .Sample((rowSets, tombstoneSets, reversed, partitionTs) =>
            {
                var deletion = partitionTs < 100 ? new DeletionTime(partitionTs, 1_000) : DeletionTime.Live;
                var key = new byte[] { 1 };
                var token = Murmur3Partitioner.GetToken(key);
                var sources = rowSets.Select((rows, i) =>
                {
                    var sorted = TestData.SortRows(rows);
                    if (reversed) Array.Reverse(sorted);
                    return new PartitionSnapshot(key, token, i == 0 ? deletion : DeletionTime.Live,
                        tombstoneSets[Math.Min(i, tombstoneSets.Length - 1)], sorted);
                }).ToArray();
                var merged = PartitionMerger.Merge(sources, reversed)!.Rows.ToList();
                TestData.AssertRowsEqual(Naive(sources, reversed), merged);
            }, iter: 500);
    }

    private static List<Row> Naive(PartitionSnapshot[] sources, bool reversed)
    {
        var deletion = sources.Select(s => s.PartitionDeletion).Aggregate(DeletionTime.Live, DeletionTime.Max);
        var tombstones = sources.SelectMany(s => s.RangeTombstones).Distinct().ToList();
        var result = new List<Row>();
        var groups = sources.SelectMany(s => s.Rows).GroupBy(r => Convert.ToHexString(r.Clustering))
            .Select(g => g.Aggregate(Reconcile.Rows)).OrderBy(r => r.Clustering, ByteComparer.Instance).ToList();
        if (reversed) groups.Reverse();
        foreach (var row in groups)
        {
            var shadow = deletion;
            foreach (var rt in tombstones)
                if (rt.Covers(row.Clustering)) shadow = DeletionTime.Max(shadow, rt.Deletion);
            if (Reconcile.ApplyDeletion(row, shadow) is { } kept) result.Add(kept);
        }
        return result;
    }
}
