using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using RingStore.Storage.Tests.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// Flushes and compactions write SSTables for seconds; on the thread pool they starved the writers' continuations
/// and the commit log's group commits (a ~0.5 s stall per flush on two cores), so they must run on threads of their own,
/// at a lower CPU priority than request handling.
/// </summary>
public class EngineThreadingTests
{
    [Fact]
    public async Task Flushes_and_compactions_write_their_sstables_off_the_thread_pool_at_background_priority()
    {
        using var dir = new TempDirectory();
        var writesOnPool = new System.Collections.Concurrent.ConcurrentBag<bool>();
        var writeNiceValues = new System.Collections.Concurrent.ConcurrentBag<int?>();
        var fs = new ObservedFileSystem(PhysicalFileSystem.Instance)
        {
            Writing = f =>
            {
                if (!f.Path.Contains("-Data.db", StringComparison.Ordinal)) return;
                writesOnPool.Add(Thread.CurrentThread.IsThreadPoolThread);
                writeNiceValues.Add(DedicatedThread.CurrentNice());
            },
        };
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()], fileSystem: fs);
        for (int sst = 0; sst < 3; sst++)
        {
            for (int i = 0; i < 100; i++) await engine.ApplyAsync(Write(i, sst, new byte[32], sst + 1));
            await engine.FlushAsync();
        }
        int afterFlushes = writesOnPool.Count;
        await engine.CompactAsync();

        Assert.True(afterFlushes >= 3, "each flush wrote its Data file");
        Assert.True(writesOnPool.Count > afterFlushes, "the compaction wrote its Data file");
        Assert.DoesNotContain(true, writesOnPool);
        if (OperatingSystem.IsLinux()) Assert.All(writeNiceValues, nice => Assert.Equal(DedicatedThread.BackgroundNice, nice));
        Assert.Equal(3, engine.Read(SliceQuery.WholePartition(Table, Pk(42))).Rows.Count);
    }
}
