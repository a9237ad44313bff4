using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// Flushes and compactions write SSTables for seconds; on the thread pool they starved the writers' continuations
/// and the commit log's group commits (a ~0.5 s stall per flush on two cores), so they must run on threads of their own,
/// at a lower CPU priority than request handling.
/// </summary>
public class EngineThreadingTests
{
    /// <summary>Records, for every write to an SSTable Data file, whether it ran on a thread-pool thread.</summary>
    private sealed class ThreadRecordingFileSystem(IStorageFileSystem inner) : IStorageFileSystem
    {
        public System.Collections.Concurrent.ConcurrentBag<bool> DataWritesOnPool { get; } = [];

        public System.Collections.Concurrent.ConcurrentBag<int?> DataWriteNiceValues { get; } = [];

        public IWritableFile CreateForWrite(string path) =>
            path.Contains("-Data.db", StringComparison.Ordinal) ? new Recording(this, inner.CreateForWrite(path)) : inner.CreateForWrite(path);
        public IReadableFile OpenRead(string path) => inner.OpenRead(path);
        public void Rename(string from, string to) => inner.Rename(from, to);
        public void Delete(string path) => inner.Delete(path);
        public bool Exists(string path) => inner.Exists(path);
        public long GetLength(string path) => inner.GetLength(path);
        public void CreateDirectory(string directory) => inner.CreateDirectory(directory);
        public IReadOnlyList<string> ListFiles(string directory) => inner.ListFiles(directory);
        public void SyncDirectory(string directory) => inner.SyncDirectory(directory);

        private sealed class Recording(ThreadRecordingFileSystem owner, IWritableFile file) : IWritableFile
        {
            public string Path => file.Path;
            public long Position => file.Position;

            public void Write(ReadOnlySpan<byte> data)
            {
                owner.DataWritesOnPool.Add(Thread.CurrentThread.IsThreadPoolThread);
                owner.DataWriteNiceValues.Add(DedicatedThread.CurrentNice());
                file.Write(data);
            }

            public void Sync() => file.Sync();
            public void Dispose() => file.Dispose();
        }
    }

    [Fact]
    public async Task Flushes_and_compactions_write_their_sstables_off_the_thread_pool_at_background_priority()
    {
        using var dir = new TempDirectory();
        var fs = new ThreadRecordingFileSystem(PhysicalFileSystem.Instance);
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()], fileSystem: fs);
        for (int sst = 0; sst < 3; sst++)
        {
            for (int i = 0; i < 100; i++) await engine.ApplyAsync(Write(i, sst, new byte[32], sst + 1));
            await engine.FlushAsync();
        }
        int afterFlushes = fs.DataWritesOnPool.Count;
        await engine.CompactAsync();

        Assert.True(afterFlushes >= 3, "each flush wrote its Data file");
        Assert.True(fs.DataWritesOnPool.Count > afterFlushes, "the compaction wrote its Data file");
        Assert.DoesNotContain(true, fs.DataWritesOnPool);
        if (OperatingSystem.IsLinux()) Assert.All(fs.DataWriteNiceValues, nice => Assert.Equal(DedicatedThread.BackgroundNice, nice));
        Assert.Equal(3, engine.Read(SliceQuery.WholePartition(Table, Pk(42))).Rows.Count);
    }
}
