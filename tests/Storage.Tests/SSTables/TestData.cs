using CsCheck;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>A partition as the tests model it: everything in memory, rows sorted by clustering.</summary>
public sealed record TestPartition(byte[] Key, DeletionTime Deletion, RangeTombstone[] RangeTombstones, Row[] Rows)
{
    public Token Token => Murmur3Partitioner.GetToken(Key);
}

internal static class TestData
{
    public static readonly Gen<Cell> CellGen =
        Gen.Select(Gen.Int[0, 5], Gen.Long[1, 1_000_000], Gen.Int[0, 3], Gen.Byte.Array[0, 40], (column, ts, kind, value) => kind switch
        {
            2 => Cell.Expiring(column, ts, value, 100, 1_000),
            3 => Cell.Tombstone(column, ts, 2_000),
            _ => Cell.Live(column, ts, value),
        });

    public static readonly Gen<Row> RowGen =
        Gen.Select(Gen.Byte.Array[0, 6], Gen.Int[0, 2], Gen.Bool, CellGen.Array[0, 4], (clustering, liveness, deleted, cells) =>
        {
            var marker = liveness switch
            {
                1 => LivenessInfo.At(500),
                2 => LivenessInfo.Expiring(600, 50, 1_000),
                _ => LivenessInfo.None,
            };
            var deletion = deleted ? new DeletionTime(400, 1_500) : DeletionTime.Live;
            var distinct = cells.GroupBy(c => c.Column).Select(g => g.First()).OrderBy(c => c.Column).ToArray();
            return new Row(clustering, marker, deletion, distinct);
        });

    public static readonly Gen<RangeTombstone> RangeTombstoneGen =
        Gen.Select(Gen.Byte.Array[0, 3], Gen.Bool, Gen.Byte.Array[0, 3], Gen.Bool, Gen.Long[1, 1000], (s, si, e, ei, ts) =>
            new RangeTombstone(new ClusteringSlice(new ClusteringBound(s, si), new ClusteringBound(e, ei)), new DeletionTime(ts, 1_200)));

    public static readonly Gen<TestPartition> PartitionGen =
        Gen.Select(Gen.Byte.Array[1, 10], Gen.Bool, RangeTombstoneGen.Array[0, 2], RowGen.Array[0, 30], (key, deleted, rts, rows) =>
            new TestPartition(key, deleted ? new DeletionTime(300, 1_100) : DeletionTime.Live, rts, SortRows(rows)));

    public static readonly Gen<TestPartition[]> TableGen = PartitionGen.Array[0, 40].Select(SortPartitions);

    public static Row[] SortRows(IEnumerable<Row> rows) =>
        rows.GroupBy(r => Convert.ToHexString(r.Clustering)).Select(g => g.First())
            .OrderBy(r => r.Clustering, ByteComparer.Instance).ToArray();

    public static TestPartition[] SortPartitions(IEnumerable<TestPartition> partitions) =>
        partitions.GroupBy(p => Convert.ToHexString(p.Key)).Select(g => g.First())
            .OrderBy(p => p.Token).ThenBy(p => p.Key, ByteComparer.Instance).ToArray();

    public static SSTableReader Write(Storage.IO.IStorageFileSystem fs, string dir, long generation, IEnumerable<TestPartition> partitions,
        SSTableWriterOptions? options = null)
    {
        using var writer = SSTableWriter.Create(fs, dir, generation, options ?? SSTableWriterOptions.Default);
        foreach (var p in partitions) writer.AppendPartition(p.Key, p.Deletion, p.RangeTombstones, p.Rows);
        return writer.Finish();
    }

    public static void AssertRowsEqual(IReadOnlyList<Row> expected, IReadOnlyList<Row> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) AssertRowEqual(expected[i], actual[i]);
    }

    public static void AssertRowEqual(Row expected, Row actual)
    {
        Assert.Equal(Convert.ToHexString(expected.Clustering), Convert.ToHexString(actual.Clustering));
        Assert.Equal(expected.Liveness, actual.Liveness);
        Assert.Equal(expected.Deletion, actual.Deletion);
        Assert.Equal(expected.Cells, actual.Cells);
    }

    public static void AssertPartitionEqual(TestPartition expected, SSTablePartition actual)
    {
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Token, actual.Token);
        Assert.Equal(expected.Deletion, actual.PartitionDeletion);
        Assert.Equal(expected.RangeTombstones, actual.RangeTombstones);
        AssertRowsEqual(expected.Rows, actual.Rows.ToList());
    }
}

internal sealed class ByteComparer : IComparer<byte[]>
{
    public static readonly ByteComparer Instance = new();
    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
