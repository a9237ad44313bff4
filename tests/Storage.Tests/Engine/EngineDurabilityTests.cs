using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

public class EngineDurabilityTests
{
    [Fact]
    public async Task Unflushed_writes_survive_reopen_through_commit_log_replay()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path) with { CommitLogSync = CommitLogSyncMode.Group }, [TimeSeries()]))
        {
            for (int i = 0; i < 100; i++) await engine.ApplyAsync(Write(i % 7, i, [(byte)i], i + 1));
        }
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        int total = Enumerable.Range(0, 7).Sum(id => reopened.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows.Count);
        Assert.Equal(100, total);
    }

    [Fact]
    public async Task Disk_full_during_flush_keeps_memtable_and_commit_log_so_nothing_is_lost()
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem());
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()], fileSystem: fs))
        {
            for (int i = 0; i < 200; i++) await engine.ApplyAsync(Write(i % 5, i, new byte[100], i + 1));
            fs.FailWritesAfterBytes = fs.BytesWritten + 2000;
            await Assert.ThrowsAnyAsync<IOException>(() => engine.FlushAsync());

            // Still readable from the memtable that failed to flush.
            Assert.Equal(40, engine.Read(SliceQuery.WholePartition(Table, Pk(0))).Rows.Count);
            Assert.Equal(0, engine.GetStats().Tables[0].SSTableCount);

            fs.ClearFaults();
            await engine.FlushAsync(); // the retry succeeds
            Assert.Equal(1, engine.GetStats().Tables[0].SSTableCount);
            Assert.Equal(40, engine.Read(SliceQuery.WholePartition(Table, Pk(0))).Rows.Count);
        }
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        Assert.Equal(40, reopened.Read(SliceQuery.WholePartition(Table, Pk(4))).Rows.Count);
    }

    [Fact]
    public async Task Disk_full_during_flush_then_crash_replays_from_commit_log()
    {
        using var dir = new TempDirectory();
        var fs = new FaultInjectingFileSystem(new PhysicalFileSystem());
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()], fileSystem: fs))
        {
            for (int i = 0; i < 50; i++) await engine.ApplyAsync(Write(1, i, new byte[100], i + 1));
            fs.FailWritesAfterBytes = fs.BytesWritten + 500;
            await Assert.ThrowsAnyAsync<IOException>(() => engine.FlushAsync());
        }
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        Assert.Equal(50, reopened.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows.Count);
    }

    [Fact]
    public async Task Concurrent_writers_with_small_memtables_switch_and_flush_in_background_without_losing_rows()
    {
        using var dir = new TempDirectory();
        var options = new StorageEngineOptions { DataDirectory = dir.Path, MemtableFlushThresholdBytes = 64 * 1024 };
        await using (var engine = StorageEngine.Open(options, [TimeSeries()]))
        {
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < 1000; i++) await engine.ApplyAsync(Write(w * 10 + i % 10, i, new byte[64], i + 1));
            })).ToArray();
            await Task.WhenAll(writers);
            await engine.FlushAsync();
            Assert.True(engine.GetStats().Tables[0].Flushes > 1, "small memtables should have been flushed several times");
            for (int id = 0; id < 40; id++)
                Assert.Equal(100, engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows.Count);
        }
        await using var reopened = StorageEngine.Open(options, [TimeSeries()]);
        Assert.Equal(100, reopened.Read(SliceQuery.WholePartition(Table, Pk(33))).Rows.Count);
    }

    [Fact]
    public async Task Token_range_read_returns_partitions_in_token_order_from_memtables_and_sstables()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        for (int id = 0; id < 30; id++)
        {
            await engine.ApplyAsync(Write(id, 1, [1], 1));
            if (id == 15) await engine.FlushAsync();
        }
        var all = engine.ReadTokenRange(Table, Token.Minimum, Token.Maximum);
        Assert.Equal(30, all.Count);
        Assert.True(all.Select(p => p.Token.Value).SequenceEqual(all.Select(p => p.Token.Value).Order()));

        var middle = all[10].Token;
        var firstHalf = engine.ReadTokenRange(Table, Token.Minimum, middle);
        var wrapped = engine.ReadTokenRange(Table, middle, Token.Minimum);
        Assert.Equal(11, firstHalf.Count);
        Assert.Equal(19, wrapped.Count);
    }
}
