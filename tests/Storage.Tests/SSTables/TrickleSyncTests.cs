using RingStore.Core.Data;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Tests.SSTables;

/// <summary>A flush fsyncs as it goes (trickle), so no large dirty backlog meets one final fsync.</summary>
public sealed class TrickleSyncTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Counts, per file, the bytes written before each fsync.</summary>
    private sealed class SyncRecordingFileSystem(IStorageFileSystem inner) : IStorageFileSystem
    {
        public Dictionary<string, List<long>> SyncedAt { get; } = [];

        public IWritableFile CreateForWrite(string path) => new File(this, inner.CreateForWrite(path));
        public IReadableFile OpenRead(string path) => inner.OpenRead(path);
        public void Rename(string from, string to) => inner.Rename(from, to);
        public void Delete(string path) => inner.Delete(path);
        public bool Exists(string path) => inner.Exists(path);
        public long GetLength(string path) => inner.GetLength(path);
        public void CreateDirectory(string directory) => inner.CreateDirectory(directory);
        public IReadOnlyList<string> ListFiles(string directory) => inner.ListFiles(directory);
        public void SyncDirectory(string directory) => inner.SyncDirectory(directory);

        private sealed class File(SyncRecordingFileSystem owner, IWritableFile file) : IWritableFile
        {
            public string Path => file.Path;
            public long Position => file.Position;
            public void Write(ReadOnlySpan<byte> data) => file.Write(data);

            public void Sync()
            {
                file.Sync();
                if (!owner.SyncedAt.TryGetValue(Path, out var list)) owner.SyncedAt[Path] = list = [];
                list.Add(file.Position);
            }

            public void Dispose() => file.Dispose();
        }
    }

    private static TestPartition[] Partitions() =>
        TestData.SortPartitions(Enumerable.Range(0, 200).Select(i => new TestPartition(BitConverter.GetBytes(i), DeletionTime.Live, [],
            Enumerable.Range(0, 20).Select(r => new Row([(byte)r], LivenessInfo.At(i), DeletionTime.Live, [Cell.Live(0, i, new byte[200])])).ToArray())));

    [Fact]
    public void Data_is_fsynced_every_trickle_interval_while_it_is_written_and_reads_back_whole()
    {
        var fs = new SyncRecordingFileSystem(PhysicalFileSystem.Instance);
        var partitions = Partitions();
        using var reader = TestData.Write(fs, _dir.Path, 1, partitions, new SSTableWriterOptions { BlockSizeBytes = 4096, TrickleSyncBytes = 64 * 1024 });

        var data = fs.SyncedAt.Single(kv => kv.Key.Contains("-Data.db", StringComparison.Ordinal)).Value;
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
        var fs = new SyncRecordingFileSystem(PhysicalFileSystem.Instance);
        using var reader = TestData.Write(fs, _dir.Path, 1, Partitions(), new SSTableWriterOptions { BlockSizeBytes = 4096, TrickleSyncBytes = 0 });
        Assert.Single(fs.SyncedAt.Single(kv => kv.Key.Contains("-Data.db", StringComparison.Ordinal)).Value);
    }
}
