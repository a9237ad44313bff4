using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

public sealed class BloomFilterAndStatisticsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] KeyOf(int i) => BitConverter.GetBytes((long)i);

    [Theory]
    [InlineData(0.01, 0)]
    [InlineData(0.01, 20_000)]
    [InlineData(0.1, 0)]
    public void False_positive_rate_is_near_the_target(double fpChance, long expectedPartitions)
    {
        const int present = 20_000, probes = 100_000;
        var partitions = TestData.SortPartitions(Enumerable.Range(0, present).Select(i => new TestPartition(KeyOf(i), DeletionTime.Live, [], [])));
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions,
            new SSTableWriterOptions { BloomFilterFpChance = fpChance, ExpectedPartitions = expectedPartitions });

        Assert.All(partitions, p => Assert.True(reader.MayContain(p.Key)));
        int falsePositives = Enumerable.Range(present, probes).Count(i => reader.MayContain(KeyOf(i)));
        double rate = (double)falsePositives / probes;
        Assert.InRange(rate, fpChance * 0.4, fpChance * 1.6);
        // An absent key that passes the filter still comes back null through the index.
        int fp = Enumerable.Range(present, probes).First(i => reader.MayContain(KeyOf(i)));
        Assert.Null(reader.ReadPartition(KeyOf(fp), ClusteringSlice.All, false));
    }

    [Fact]
    public void Statistics_describe_the_written_data()
    {
        byte[] c1 = [0x10], c2 = [0x20], c3 = [0x05, 0x01];
        var rt = new RangeTombstone(new ClusteringSlice(new([0x30], true), new([0x40], false)), new DeletionTime(50, 700));
        var partitions = TestData.SortPartitions(
        [
            new TestPartition([1], DeletionTime.Live, [rt],
            [
                new Row(c1, LivenessInfo.At(100), DeletionTime.Live, [Cell.Live(0, 100, [1]), Cell.Tombstone(1, 90, 800)]),
                new Row(c2, LivenessInfo.None, new DeletionTime(120, 900), []),
            ]),
            new TestPartition([2], new DeletionTime(10, 600), [], [new Row(c3, LivenessInfo.None, DeletionTime.Live, [Cell.Expiring(2, 300, [9], 60, 1000)])]),
            new TestPartition([3], DeletionTime.Live, [], []),
        ]);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions);
        var s = reader.Statistics;
        Assert.Equal(10, s.MinTimestampMicros);
        Assert.Equal(300, s.MaxTimestampMicros);
        Assert.Equal(c3, s.MinClustering);
        Assert.Equal(c2, s.MaxClustering);
        Assert.Equal(partitions.Min(p => p.Token), s.MinToken);
        Assert.Equal(partitions.Max(p => p.Token), s.MaxToken);
        Assert.Equal(partitions[0].Key, s.FirstKey);
        Assert.Equal(partitions[^1].Key, s.LastKey);
        Assert.Equal(3, s.PartitionCount);
        Assert.Equal(3, s.RowCount);
        Assert.Equal(3, s.CellCount);
        Assert.Equal(4, s.TombstoneCount); // cell tombstone, row deletion, range tombstone, partition deletion
        Assert.Equal(1, s.RangeTombstoneCount);
        Assert.Equal(1, s.PartitionDeletionCount);
        Assert.Equal(int.MaxValue, s.MaxLocalDeletionTimeSeconds); // a live, non-expiring cell
        Assert.Equal(600, s.MinLocalDeletionTimeSeconds);
        Assert.True(s.DataSizeBytes > 0);
        Assert.True(reader.SizeOnDiskBytes > s.DataSizeBytes);
        Assert.Equal(s.MaxPartitionSizeBytes, s.MaxPartitionSizeBytes);

        // Statistics survive a reopen.
        using var reopened = SSTableReader.Open(PhysicalFileSystem.Instance, _dir.Path, 1);
        Assert.Equal(s.Serialize(), reopened.Statistics.Serialize());
    }

    [Fact]
    public void Only_expiring_and_deleted_data_gives_a_finite_max_local_deletion_time()
    {
        var partitions = TestData.SortPartitions(
        [
            new TestPartition([1], DeletionTime.Live, [], [new Row([1], LivenessInfo.Expiring(5, 10, 1000), DeletionTime.Live, [Cell.Expiring(0, 5, [1], 10, 1000)])]),
            new TestPartition([2], new DeletionTime(7, 2000), [], []),
        ]);
        using var reader = TestData.Write(PhysicalFileSystem.Instance, _dir.Path, 1, partitions);
        Assert.Equal(2000, reader.Statistics.MaxLocalDeletionTimeSeconds);
        Assert.Equal(1010, reader.Statistics.MinLocalDeletionTimeSeconds);
        Assert.Equal(new Token(Math.Min(partitions[0].Token.Value, partitions[1].Token.Value)), reader.Statistics.MinToken);
    }
}
