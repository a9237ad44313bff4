using RingStore.Core.Reads;
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

/// <summary>
/// Flush and compaction have separate background loops (Cassandra's separate executors): a compaction can run for
/// minutes under a throughput cap, and sealed memtables waiting behind it would reach the back-pressure limit and
/// stall every write.
/// </summary>
public class EngineFlushCompactionIndependenceTests
{
    [Fact]
    public async Task A_memtable_that_fills_up_is_flushed_while_a_throttled_compaction_runs()
    {
        using var dir = new TempDirectory();
        var dataFiles = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var compactionWriting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fs = new ObservedFileSystem(PhysicalFileSystem.Instance)
        {
            Writing = f =>
            {
                if (!f.Path.Contains("-Data.db", StringComparison.Ordinal)) return;
                dataFiles.TryAdd(f.Path.Replace(".tmp", "", StringComparison.Ordinal), true);
                if (dataFiles.Count == 5) compactionWriting.TrySetResult(); // four explicit flushes, then the compaction's output
            },
        };
        var options = new StorageEngineOptions
        {
            DataDirectory = dir.Path,
            BackgroundCompaction = true,
            CompactionThroughputMiBPerSecond = 0.001, // 1 KiB/s: the compaction of ~100 KB takes about 100 s (the test ends long before; 20 s was too short at load 40)
            CompactionController = new RingStore.Storage.Compaction.CompactionControllerOptions { MaxFactor = 1 }, // a fixed cap: not sped up by its backlog
            MemtableFlushThresholdBytes = 64 * 1024,
        };
        await using var engine = StorageEngine.Open(options, [TimeSeries()], fileSystem: fs);
        for (int sst = 0; sst < 4; sst++)
        {
            for (int i = 0; i < 200; i++) await engine.ApplyAsync(Write(sst, i, new byte[100], 1));
            await engine.FlushAsync();
        }
        // Four similar SSTables: size-tiered compaction picks them up in the background.
        await WaitUntilAsync(() => compactionWriting.Task.IsCompleted, "the compaction started writing");
        long flushesBefore = Stats(engine).Flushes;

        // Fill the active memtable past its threshold: the flush loop must flush it now, not after the compaction.
        int written = 0;
        while (Stats(engine).FlushingMemtables == 0 && Stats(engine).Flushes == flushesBefore && written < 10_000)
            await engine.ApplyAsync(Write(100, written++, new byte[100], 2));
        await WaitUntilAsync(() => Stats(engine).Flushes > flushesBefore && Stats(engine).FlushingMemtables == 0, "the full memtable was flushed");

        Assert.Equal(0, Stats(engine).Compactions); // the compaction is still running: the flush did not wait for it
        Assert.Equal(written, engine.Read(SliceQuery.WholePartition(Table, Pk(100))).Rows.Count);
    }

    private static TableStats Stats(StorageEngine engine) => engine.GetStats().Tables.Single();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
