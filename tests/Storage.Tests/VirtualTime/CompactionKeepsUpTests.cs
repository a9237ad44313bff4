using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Compaction;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.VirtualTime;

/// <summary>
/// The whole engine (inline, on an in-memory disk) under a sustained write rate on virtual time: each virtual second
/// brings one flush of new time-series rows, and compactions run one after another, each as long as its throttle
/// makes it on the <see cref="SteppingClock"/>. With a fixed cap below what the writes need (the rate before issue 20)
/// the backlog grows for as long as the writes go on; with the backlog-driven rate it stays bounded. Single-threaded
/// and seeded: the same run every time.
/// </summary>
public sealed class CompactionKeepsUpTests
{
    private const int Seconds = 100;
    private const int RowsPerSecond = 128;
    private const int ValueBytes = 256;
    private const long FlushBytes = 64 << 10;       // the backlog's unit
    private const double BaseMiBPerSecond = 1.0 / 64; // 16 KiB/s: about half of what the ~38 KiB/s of rows need

    [Fact]
    public async Task Backlog_driven_rate_keeps_the_backlog_bounded_where_the_fixed_cap_falls_behind()
    {
        var fixedCap = await RunAsync(maxFactor: 1);
        var controlled = await RunAsync(maxFactor: 16);

        // Fixed cap: the debt keeps growing (linearly: the last quarter's backlog is about twice the second quarter's).
        Assert.True(fixedCap.FinalBacklog > 20 * FlushBytes, $"fixed cap: final backlog {fixedCap.FinalBacklog}");
        Assert.True(fixedCap.LateMax > 1.5 * fixedCap.EarlyMax, $"fixed cap: backlog {fixedCap.EarlyMax} then {fixedCap.LateMax}");
        Assert.True(fixedCap.FinalSSTables > 40, $"fixed cap: {fixedCap.FinalSSTables} SSTables (windows not compacted yet)");

        // Backlog-driven: bounded and not growing, about one SSTable per 4-second window (25), and every row written is there.
        Assert.True(controlled.LateMax <= 8 * FlushBytes, $"controlled: backlog up to {controlled.LateMax} late in the run");
        Assert.True(controlled.LateMax <= Math.Max(controlled.EarlyMax * 1.5, 4 * FlushBytes), $"controlled: backlog {controlled.EarlyMax} then {controlled.LateMax}");
        Assert.True(controlled.FinalSSTables <= (Seconds / 4) + 3, $"controlled: {controlled.FinalSSTables} SSTables");
        Assert.Equal(Seconds * RowsPerSecond, controlled.Rows);
        Assert.Equal(Seconds * RowsPerSecond, fixedCap.Rows);
        // It got there by writing faster than the base rate, within the controller's bound.
        Assert.True(controlled.MaxRate > BaseMiBPerSecond * (1 << 20) * 2, $"controlled: top rate {controlled.MaxRate}");
        Assert.True(controlled.MaxRate <= BaseMiBPerSecond * (1 << 20) * 16 * 1.0001, $"controlled: top rate {controlled.MaxRate}");
    }

    private sealed record Outcome(long EarlyMax, long LateMax, long FinalBacklog, int FinalSSTables, long Rows, double MaxRate);

    private static async Task<Outcome> RunAsync(double maxFactor)
    {
        var clock = new SteppingClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var schema = TimeSeries(new TableOptions
        {
            Compaction = CompactionStrategyKind.TimeWindow,
            CompactionWindow = TimeSpan.FromSeconds(4),
            Compression = CompressionOptions.Disabled,
        });
        var options = new StorageEngineOptions
        {
            DataDirectory = "/engine",
            BackgroundCompaction = false,
            RunInline = true,
            CommitLogOnFileSystem = true,
            CommitLogSync = CommitLogSyncMode.Group,
            CommitLogSegmentSizeBytes = 1 << 20,
            MemtableFlushThresholdBytes = FlushBytes,
            CompactionThroughputMiBPerSecond = BaseMiBPerSecond,
            CompactionController = new CompactionControllerOptions { MaxFactor = maxFactor, FullBacklogFlushes = 8 },
            AutoSnapshot = false,
        };
        await using var engine = StorageEngine.Open(options, [schema], time: clock, fileSystem: new InMemoryFileSystem());
        var random = new Random(20);
        var backlog = new List<(double Second, long Bytes)>();
        double maxRate = 0;
        int written = 0;
        while (written < Seconds)
        {
            // Every second that has passed on the virtual clock brings its rows and its flush.
            while (written < Seconds && written <= clock.Now.TotalSeconds)
            {
                for (int i = 0; i < RowsPerSecond; i++)
                {
                    var value = new byte[ValueBytes];
                    random.NextBytes(value);
                    long ts = (written * 1_000_000L) + i;
                    await engine.ApplyAsync(PartitionUpdate.OfRows(Table, Pk(i % 8), ValueRow(ts, value, ts)));
                }
                await engine.FlushAsync(Table);
                written++;
            }
            var stats = engine.GetStats();
            backlog.Add((clock.Now.TotalSeconds, stats.Tables.Single().CompactionBacklogBytes));
            maxRate = Math.Max(maxRate, stats.CompactionBytesPerSecond);
            if (!await engine.RunOneCompactionAsync(Table)) clock.AdvanceTo(TimeSpan.FromSeconds(written));
        }
        var final = engine.GetStats().Tables.Single();
        long rows = 0;
        for (int k = 0; k < 8; k++)
            rows += engine.Read(Core.Reads.SliceQuery.WholePartition(Table, Pk(k))).Rows.Count;
        long MaxIn(double from, double to) => backlog.Where(b => b.Second >= from && b.Second < to).Select(b => b.Bytes).DefaultIfEmpty(0).Max();
        return new Outcome(MaxIn(Seconds * 0.25, Seconds * 0.5), MaxIn(Seconds * 0.75, double.MaxValue), final.CompactionBacklogBytes,
            final.SSTableCount, rows, maxRate);
    }
}
