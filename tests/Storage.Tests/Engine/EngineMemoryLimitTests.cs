using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>The engine-wide memtable budget, the commit-log cap and the per-table replay floor (issue 22).</summary>
public class EngineMemoryLimitTests
{
    private static TableSchema Table(int i) => new(
        "ks", $"t{i}",
        [new ColumnDefinition("id", ColumnType.BigInt), new ColumnDefinition("bucket", ColumnType.Text)],
        [new ClusteringColumn("ts", ColumnType.BigInt, ClusteringOrder.Asc)],
        [new ColumnDefinition("value", ColumnType.Blob), new ColumnDefinition("n", ColumnType.Int)],
        null,
        new Guid(i + 1, 0, 0, new byte[8]));

    private static PartitionUpdate WriteTo(int table, long id, long ck, byte[] value, long timestamp) =>
        PartitionUpdate.OfRows($"ks.t{table}", Pk(id), ValueRow(ck, value, timestamp));

    private static int CountRows(StorageEngine engine, int table, int partitions) =>
        Enumerable.Range(0, partitions).Sum(id => engine.Read(SliceQuery.WholePartition($"ks.t{table}", Pk(id))).Rows.Count);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Memtables_of_all_tables_together_stay_within_the_budget_while_writers_outrun_flushing()
    {
        using var dir = new TempDirectory();
        const long budget = 2L << 20;
        const int tables = 10, writers = 8, valueBytes = 2048, writesPerWriter = 600;
        var options = new StorageEngineOptions { DataDirectory = dir.Path, MemtableSpaceBytes = budget };
        await using var engine = StorageEngine.Open(options, Enumerable.Range(0, tables).Select(Table));

        long peak = 0;
        using var stop = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, engine.GetStats().MemtableBytes);
                await Task.Yield();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < writesPerWriter; i++)
                await engine.ApplyAsync(WriteTo((w + i) % tables, w, i, new byte[valueBytes], i + 1));
        })));
        await stop.CancelAsync();
        await poller;

        // 12 MB written into a 2 MiB budget (the per-table threshold, 64 MiB, was never reached): flushes happened,
        // and the memtables never held more than the budget plus what the writers that passed the check had in flight.
        long inFlightBound = writers * (valueBytes + 512L);
        Assert.True(peak <= budget + inFlightBound, $"memtables peaked at {peak} bytes, budget {budget} + {inFlightBound}");
        var stats = engine.GetStats();
        Assert.True(stats.Tables.Sum(t => t.Flushes) >= 3, "the budget flushed memtables");
        // The engine-wide count agrees with the tables' memtables once the flush loop is quiet.
        await Eventually(() =>
        {
            var s = engine.GetStats();
            return s.Tables.Sum(t => t.MemtableBytes) == s.MemtableBytes;
        }, "the memtable count to match the tables' memtables");
        Assert.Equal(writers * writesPerWriter, Enumerable.Range(0, tables).Sum(t => CountRows(engine, t, writers)));
    }

    [Fact]
    public async Task An_idle_table_with_one_row_does_not_pin_the_commit_log_past_its_cap()
    {
        using var dir = new TempDirectory();
        const long cap = 1L << 20;
        var options = new StorageEngineOptions
        {
            DataDirectory = dir.Path,
            CommitLogTotalSpaceBytes = cap,
            MemtableFlushThresholdBytes = 256 << 10, // the busy table flushes by itself; only the idle one pins
        };
        await using var engine = StorageEngine.Open(options, [Table(0), Table(1)]);
        await engine.ApplyAsync(WriteTo(1, 1, 1, [1, 2, 3], 1)); // the idle table's only row, the oldest entry
        for (int i = 0; i < 3000; i++) await engine.ApplyAsync(WriteTo(0, i % 10, i, new byte[1024], i + 1));

        await Eventually(() => engine.GetStats().CommitLogBytes <= cap, "the commit log to be released under its cap");
        Assert.Equal(1, engine.GetStats().Tables.Single(t => t.Table == "ks.t1").SSTableCount);
        Assert.Equal(3000, CountRows(engine, 0, 10));
        Assert.Equal(1, CountRows(engine, 1, 2));
    }

    [Fact]
    public async Task Replay_applies_only_the_entries_that_were_not_flushed()
    {
        using var dir = new TempDirectory();
        var options = Options(dir.Path) with { CommitLogSync = CommitLogSyncMode.Group };
        await using (var engine = StorageEngine.Open(options, [Table(0), Table(1)]))
        {
            await engine.ApplyAsync(WriteTo(1, 1, 1, [1], 1)); // pins the log: nothing of it can be released
            for (int i = 0; i < 500; i++) await engine.ApplyAsync(WriteTo(0, i % 7, i, [(byte)i], i + 1));
            await engine.FlushAsync("ks.t0");
            for (int i = 500; i < 507; i++) await engine.ApplyAsync(WriteTo(0, i % 7, i, [(byte)i], i + 1));
            // Disposing does not flush memtables: the reopen replays the commit log exactly as after a crash.
        }
        await using var reopened = StorageEngine.Open(options, [Table(0), Table(1)]);
        var stats = reopened.GetStats();
        Assert.Equal(8, stats.ReplayedEntries); // the idle table's row and the 7 written after the flush
        Assert.Equal(500, stats.ReplaySkippedFlushedEntries);
        Assert.Equal(507, CountRows(reopened, 0, 7));
        Assert.Equal(1, CountRows(reopened, 1, 2));
        for (int i = 0; i < 507; i++)
            Assert.Equal([(byte)i], reopened.ReadRow("ks.t0", Pk(i % 7), Ck(i))!.Cells[0].Value!);
    }

    [Fact]
    public async Task A_replay_floor_of_a_deleted_commit_log_is_ignored_so_entries_of_the_new_log_are_replayed()
    {
        using var dir = new TempDirectory();
        var options = Options(dir.Path) with { CommitLogSync = CommitLogSyncMode.Group };
        await using (var engine = StorageEngine.Open(options, [Table(0)]))
        {
            for (int i = 0; i < 300; i++) await engine.ApplyAsync(WriteTo(0, 0, i, new byte[100], i + 1));
            await engine.FlushAsync(); // floor far into the old log
        }
        Directory.Delete(Path.Combine(dir.Path, "commitlog"), recursive: true);
        await using (var engine = StorageEngine.Open(options, [Table(0)]))
        {
            for (int i = 300; i < 303; i++) await engine.ApplyAsync(WriteTo(0, 0, i, [9], i + 1)); // low positions of a new log
        }
        await using var reopened = StorageEngine.Open(options, [Table(0)]);
        Assert.Equal(3, reopened.GetStats().ReplayedEntries);
        Assert.Equal(303, CountRows(reopened, 0, 1));
    }

    [Fact]
    public async Task A_long_commit_log_is_replayed_within_the_memtable_budget()
    {
        using var dir = new TempDirectory();
        var options = Options(dir.Path) with { CommitLogSync = CommitLogSyncMode.Group, CommitLogGroupWindow = TimeSpan.Zero };
        await using (var engine = StorageEngine.Open(options, [Table(0), Table(1)]))
        {
            var writes = Enumerable.Range(0, 2000).Select(i => engine.ApplyAsync(WriteTo(i % 2, i % 5, i, new byte[1024], i + 1)).AsTask());
            await Task.WhenAll(writes);
        }
        const long budget = 512 << 10;
        await using (var reopened = StorageEngine.Open(options with { MemtableSpaceBytes = budget }, [Table(0), Table(1)]))
        {
            var stats = reopened.GetStats();
            Assert.True(stats.MemtableBytes <= budget, $"{stats.MemtableBytes} bytes of memtables after replay");
            Assert.True(stats.Tables.Sum(t => t.SSTableCount) >= 2);
            Assert.Equal(2000, CountRows(reopened, 0, 5) + CountRows(reopened, 1, 5));
        }
        // Replay flushed as it went and recorded its floors: the next open replays nothing already flushed.
        await using var again = StorageEngine.Open(options, [Table(0), Table(1)]);
        Assert.True(again.GetStats().ReplayedEntries < 2000);
        Assert.Equal(2000, CountRows(again, 0, 5) + CountRows(again, 1, 5));
    }
}
