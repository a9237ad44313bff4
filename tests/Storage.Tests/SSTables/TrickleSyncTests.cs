using RingStore.Core.Data;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;
using RingStore.Storage.Tests.IO;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>A flush fsyncs as it goes (trickle), so no large dirty backlog meets one final fsync.</summary>
public sealed class TrickleSyncTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Per file, the bytes written at each fsync.</summary>
    private static (ObservedFileSystem Fs, Dictionary<string, List<long>> SyncedAt) Recording()
    {
        var syncedAt = new Dictionary<string, List<long>>();
        var fs = new ObservedFileSystem(PhysicalFileSystem.Instance)
        {
            Synced = f =>
            {
                if (!syncedAt.TryGetValue(f.Path, out var list)) syncedAt[f.Path] = list = [];
                list.Add(f.Position);
            },
        };
        return (fs, syncedAt);
    }

    private static TestPartition[] Partitions() =>
        TestData.SortPartitions(Enumerable.Range(0, 200).Select(i => new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
            Enumerable.Range(0, 20).Select(r => new Row([(byte)r], LivenessInfo.At(i), DeletionTime.Live, [Cell.Live(0, i, new byte[200])])).ToArray())));

    [Fact]
    public void Data_is_fsynced_every_trickle_interval_while_it_is_written_and_reads_back_whole()
    {
        var (fs, syncedAt) = Recording();
        var partitions = Partitions();
        using var reader = TestData.Write(fs, _dir.Path, 1, partitions, new SSTableWriterOptions { BlockSizeBytes = 4096, TrickleSyncBytes = 64 * 1024 });

        var data = syncedAt.Single(kv => kv.Key.Contains("-Data.db", StringComparison.Ordinal)).Value;
        long size = new FileInfo(reader.DataPath).Length;
        Assert.True(size > 10 * 64 * 1024, $"the test needs a data file of many intervals, got {size} bytes");
        Assert.True(data.Count >= size / (64 * 1024), $"{data.Count} fsyncs for {size} bytes");
        // No gap between fsyncs much larger than the interval (one block of slack).
        Assert.All(data.Zip(data.Skip(1), (a, b) => b - a), gap => Assert.InRange(gap, 0, 64 * 1024 + 4096 + 4));
        foreach (var p in partitions) TestData.AssertPartitionEqual(p, reader.ReadPartition(p.Key, ClusteringSlice.All, false)!);
    }

    [Fact]
    public void Without_a_trickle_interval_only_the_end_is_fsynced()
    {
        var (fs, syncedAt) = Recording();
        using var reader = TestData.Write(fs, _dir.Path, 1, Partitions(), new SSTableWriterOptions { BlockSizeBytes = 4096, TrickleSyncBytes = 0 });
        Assert.Single(syncedAt.Single(kv => kv.Key.Contains("-Data.db", StringComparison.Ordinal)).Value);
    }
}
