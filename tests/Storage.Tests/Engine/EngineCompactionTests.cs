using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Compaction;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

public class EngineCompactionTests
{
    [Fact]
    public async Task Tombstone_past_gc_grace_is_kept_while_an_sstable_outside_the_compaction_may_hold_what_it_shadows()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var schema = TimeSeries(new TableOptions { GcGraceSeconds = 0, CompactionMinThreshold = 2, CompactionMaxThreshold = 2 });
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], time: time);

        // SSTable 1 (large): old data of partition 1 and filler.
        await engine.ApplyAsync(Write(1, 5, new byte[100], timestamp: 10));
        for (int i = 0; i < 300; i++) await engine.ApplyAsync(Write(1000 + i, 0, new byte[200], timestamp: 10));
        await engine.FlushAsync();
        // SSTable 2 (small): the row deletion. SSTable 3 (small): another partition.
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(5), LivenessInfo.None, new DeletionTime(20, now), [])));
        await engine.FlushAsync();
        await engine.ApplyAsync(Write(2, 1, [1], timestamp: 30));
        await engine.FlushAsync();
        time.Advance(TimeSpan.FromSeconds(10));

        // Size-tiered with max_threshold 2 merges the two small SSTables only.
        Assert.True(await engine.RunOneCompactionAsync(Table));
        Assert.Equal(2, engine.GetStats().Tables[0].SSTableCount);

        Assert.Null(engine.ReadRow(Table, Pk(1), Ck(5)));
        await engine.CompactAsync();
        Assert.Null(engine.ReadRow(Table, Pk(1), Ck(5)));
        Assert.Single(engine.Read(SliceQuery.WholePartition(Table, Pk(2))).Rows);
    }

    [Fact]
    public async Task Major_compaction_purges_tombstones_past_gc_grace_and_drops_expired_data()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var schema = TimeSeries(new TableOptions { GcGraceSeconds = 60 });
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], time: time);
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        await engine.ApplyAsync(Write(1, 1, [1], 10));
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1),
            new Row(Ck(2), LivenessInfo.Expiring(10, 5, now), DeletionTime.Live, [Cell.Expiring(0, 10, [2], 5, now)])));
        await engine.FlushAsync();
        await engine.ApplyAsync(PartitionUpdate.DeletePartition(Table, Pk(1), new DeletionTime(20, now)));
        await engine.FlushAsync();
        long before = engine.GetStats().Tables[0].DiskBytes;

        time.Advance(TimeSpan.FromSeconds(61));
        await engine.CompactAsync();
        var stats = engine.GetStats().Tables[0];
        Assert.Equal(0, stats.SSTableCount); // everything was shadowed, expired or purgeable
        Assert.True(before > 0);
        Assert.Empty(engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows);
    }

    [Fact]
    public async Task Reads_during_compaction_see_every_row()
    {
        using var dir = new TempDirectory();
        await using var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        for (int sst = 0; sst < 4; sst++)
        {
            for (int i = 0; i < 200; i++) await engine.ApplyAsync(Write(i % 20, sst * 1000 + i, new byte[64], sst * 1000 + i + 1));
            await engine.FlushAsync();
        }
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            int reads = 0;
            while (!stop.IsCancellationRequested || reads < 50)
            {
                for (int id = 0; id < 20; id++)
                    Assert.Equal(40, engine.Read(SliceQuery.WholePartition(Table, Pk(id))).Rows.Count);
                reads++;
            }
            return reads;
        });
        await engine.CompactAsync();
        await stop.CancelAsync();
        Assert.True(await reader >= 50);
        Assert.Equal(1, engine.GetStats().Tables[0].SSTableCount);
    }

    private static string[] Generations(string root) =>
        Directory.GetFiles(root, "*-Data.db", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToArray()!;

    private static string[] CompactionLogs(string root) =>
        Directory.GetFiles(root, "compaction-*", SearchOption.AllDirectories);

    [Fact]
    public async Task Compaction_deletes_the_files_of_the_sstables_it_replaced()
    {
        using var dir = new TempDirectory();
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]))
        {
            for (int sst = 0; sst < 4; sst++)
            {
                for (int i = 0; i < 50; i++) await engine.ApplyAsync(Write(i, sst, new byte[16], sst + 1));
                await engine.FlushAsync();
            }
            Assert.Equal(4, Generations(dir.Path).Length);
            await engine.CompactAsync();
            Assert.Single(Generations(dir.Path));
            Assert.Empty(CompactionLogs(dir.Path));
        }
        await using var reopened = StorageEngine.Open(Options(dir.Path), [TimeSeries()]);
        Assert.Equal(1, reopened.GetStats().Tables[0].SSTableCount);
        Assert.Equal(4, reopened.Read(SliceQuery.WholePartition(Table, Pk(7))).Rows.Count);
    }

    [Fact]
    public async Task A_crash_before_retired_sstables_are_deleted_does_not_bring_them_back_at_restart()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var schema = TimeSeries(new TableOptions { GcGraceSeconds = 0 });
        var saved = Path.Combine(dir.Path, "saved");
        Directory.CreateDirectory(saved);
        string tableDir;
        await using (var engine = StorageEngine.Open(Options(Path.Combine(dir.Path, "node")), [schema], time: time))
        {
            await engine.ApplyAsync(Write(1, 1, [1], timestamp: 10));
            await engine.ApplyAsync(Write(2, 1, [2], timestamp: 10));
            await engine.FlushAsync();
            int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
            await engine.ApplyAsync(PartitionUpdate.DeletePartition(Table, Pk(1), new DeletionTime(20, now)));
            await engine.FlushAsync();
            tableDir = Path.GetDirectoryName(Directory.GetFiles(dir.Path, "*-Data.db", SearchOption.AllDirectories)[0])!;
            foreach (var f in Directory.GetFiles(tableDir, "rs-*")) File.Copy(f, Path.Combine(saved, Path.GetFileName(f)));

            // The tombstone and the row it deletes are purged: partition 1 is gone from the output.
            time.Advance(TimeSpan.FromSeconds(10));
            await engine.CompactAsync();
            Assert.Empty(engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows);
            Assert.Single(Generations(tableDir));
        }

        // A crash after the swap and before the deletions: the retired files and the compaction's log are still there.
        foreach (var f in Directory.GetFiles(saved)) File.Copy(f, Path.Combine(tableDir, Path.GetFileName(f)));
        CompactionTransactionLog.Begin(new RingStore.Storage.IO.PhysicalFileSystem(), tableDir, 99, [1, 2]);
        Assert.Equal(3, Generations(tableDir).Length);

        await using var reopened = StorageEngine.Open(Options(Path.Combine(dir.Path, "node")), [schema], time: time);
        Assert.Empty(reopened.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows); // not resurrected
        Assert.Single(reopened.Read(SliceQuery.WholePartition(Table, Pk(2))).Rows);
        Assert.Equal(1, reopened.GetStats().Tables[0].SSTableCount);
        Assert.Single(Generations(tableDir));
        Assert.Empty(CompactionLogs(tableDir));
    }

    [Fact]
    public async Task A_damaged_compaction_log_stops_the_open_with_an_error_naming_it()
    {
        using var dir = new TempDirectory();
        string tableDir;
        await using (var engine = StorageEngine.Open(Options(dir.Path), [TimeSeries()]))
        {
            await engine.ApplyAsync(Write(1, 1, [1], timestamp: 10));
            await engine.FlushAsync();
            tableDir = Path.GetDirectoryName(Directory.GetFiles(dir.Path, "*-Data.db", SearchOption.AllDirectories)[0])!;
        }
        var log = CompactionTransactionLog.Begin(new RingStore.Storage.IO.PhysicalFileSystem(), tableDir, 5, [1]);
        var bytes = File.ReadAllBytes(log.Path);
        bytes[6] ^= 0x40;
        File.WriteAllBytes(log.Path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => StorageEngine.Open(Options(dir.Path), [TimeSeries()]));
        Assert.Contains(log.Path, e.Message);
        Assert.Single(Generations(tableDir)); // nothing deleted on a guess
    }
}
