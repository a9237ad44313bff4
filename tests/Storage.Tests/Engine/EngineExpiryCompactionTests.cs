using Microsoft.Extensions.Time.Testing;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using RingStore.Storage.SSTables;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.Engine;

/// <summary>Fully expired SSTables dropped whole, and single-SSTable tombstone compactions, on a fake clock.</summary>
public class EngineExpiryCompactionTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static string TableDir(TempDirectory dir) => Path.Combine(dir.Path, "data", "ks", $"series-{TimeSeries().Id:N}");

    private static long[] Generations(TempDirectory dir) =>
        Directory.GetFiles(TableDir(dir), "*-TOC.txt").Select(f => long.Parse(Path.GetFileName(f).Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();

    private static PartitionUpdate ExpiringWrite(long id, long ck, FakeTimeProvider time, int ttl)
    {
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        long ts = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        return PartitionUpdate.OfRows(Table, Pk(id),
            new Row(Ck(ck), LivenessInfo.Expiring(ts, ttl, now), DeletionTime.Live, [Cell.Expiring(0, ts, [1, 2, 3], ttl, now)]));
    }

    [Fact]
    public async Task Time_window_drops_expired_sstables_without_a_compaction_rewrite_even_one_alone_in_its_window()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var schema = TimeSeries(new TableOptions
        {
            Compaction = CompactionStrategyKind.TimeWindow, CompactionWindow = TimeSpan.FromMinutes(1), GcGraceSeconds = 0,
        });
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], time: time);
        // Two windows a minute apart, one SSTable each, every row with a 10 s TTL.
        for (int i = 0; i < 20; i++) await engine.ApplyAsync(ExpiringWrite(i, 0, time, ttl: 10));
        await engine.FlushAsync();
        long first = Assert.Single(Generations(dir));
        time.Advance(TimeSpan.FromMinutes(1));
        for (int i = 0; i < 20; i++) await engine.ApplyAsync(ExpiringWrite(i, 1, time, ttl: 10));
        await engine.FlushAsync();
        Assert.Equal(2, Generations(dir).Length);

        // The first window expired 50 s ago and holds nothing newer than the second: dropped, alone in its window.
        Assert.True(await engine.RunOneCompactionAsync(Table));
        Assert.DoesNotContain(first, Generations(dir));
        Assert.Single(Generations(dir));
        Assert.False(await engine.RunOneCompactionAsync(Table)); // the second is still live

        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await engine.RunOneCompactionAsync(Table));
        var stats = engine.GetStats().Tables[0];
        Assert.Equal(0, stats.SSTableCount);
        Assert.Equal(2, stats.ExpiredSSTablesDropped);
        Assert.Equal(0, stats.Compactions); // nothing was rewritten
        Assert.Empty(Generations(dir));
        Assert.Empty(Directory.GetFiles(TableDir(dir), "*-Data.db*"));
        Assert.Empty(Directory.GetFiles(TableDir(dir), "compaction-*"));
        Assert.Empty(engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows);
    }

    [Fact]
    public async Task An_expired_sstable_whose_tombstone_shadows_older_data_is_not_dropped()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var schema = TimeSeries(new TableOptions { GcGraceSeconds = 0 });
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], time: time);
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        await engine.ApplyAsync(Write(1, 5, [9], timestamp: 10)); // old data, never expires
        await engine.FlushAsync();
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(5), LivenessInfo.None, new DeletionTime(20, now), [])));
        await engine.FlushAsync();
        time.Advance(TimeSpan.FromSeconds(10));

        bool ran = await engine.RunOneCompactionAsync(Table);
        Assert.Null(engine.ReadRow(Table, Pk(1), Ck(5))); // dropping the tombstone's SSTable would resurrect the row
        Assert.False(ran);
        Assert.Equal(2, engine.GetStats().Tables[0].SSTableCount);
    }

    [Fact]
    public async Task An_expired_sstable_whose_tombstone_shadows_an_older_write_in_the_memtable_is_not_dropped()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var schema = TimeSeries(new TableOptions { GcGraceSeconds = 0 });
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], time: time);
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(5), LivenessInfo.None, new DeletionTime(20, now), [])));
        await engine.FlushAsync();
        await engine.ApplyAsync(Write(1, 5, [9], timestamp: 10)); // arrives late, with an older timestamp: shadowed
        time.Advance(TimeSpan.FromSeconds(10));

        bool ran = await engine.RunOneCompactionAsync(Table);
        Assert.Null(engine.ReadRow(Table, Pk(1), Ck(5))); // dropping the tombstone's SSTable would resurrect the row
        Assert.False(ran);
        Assert.Equal(1, engine.GetStats().Tables[0].SSTableCount);
    }

    [Fact]
    public async Task Tombstone_compaction_purges_a_tombstone_heavy_sstable_once_it_is_old_enough()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        var schema = TimeSeries(new TableOptions { GcGraceSeconds = 3600 });
        await using var engine = StorageEngine.Open(Options(dir.Path), [schema], time: time);
        int now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        for (int i = 0; i < 20; i++) await engine.ApplyAsync(Write(1, i, [1], timestamp: 100 + i));
        for (int i = 20; i < 120; i++)
            await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(1), new Row(Ck(i), LivenessInfo.None, new DeletionTime(100 + i, now), [])));
        await engine.FlushAsync();
        long before = engine.GetStats().Tables[0].DiskBytes;
        long original = Assert.Single(Generations(dir));
        Assert.Equal(100, TombstonesIn(dir, original));

        // Not before gc_grace has passed and the SSTable is a day old (engine defaults: 0.2, 1 day).
        Assert.False(await engine.RunOneCompactionAsync(Table));
        time.Advance(TimeSpan.FromHours(2));
        Assert.False(await engine.RunOneCompactionAsync(Table));
        time.Advance(TimeSpan.FromDays(1));
        Assert.True(await engine.RunOneCompactionAsync(Table));

        var stats = engine.GetStats().Tables[0];
        Assert.Equal(1, stats.SSTableCount);
        Assert.Equal(1, stats.Compactions);
        Assert.True(stats.DiskBytes < before, $"{stats.DiskBytes} >= {before}");
        long output = Assert.Single(Generations(dir));
        Assert.NotEqual(original, output);
        Assert.Equal(0, TombstonesIn(dir, output));
        Assert.Equal(20, engine.Read(SliceQuery.WholePartition(Table, Pk(1))).Rows.Count);
        // Its output is new: not compacted again at once.
        Assert.False(await engine.RunOneCompactionAsync(Table));
    }

    private static long TombstonesIn(TempDirectory dir, long generation)
    {
        using var reader = SSTableReader.Open(PhysicalFileSystem.Instance, TableDir(dir), generation);
        return reader.Statistics.TombstoneCount;
    }
}
