using Microsoft.Extensions.Time.Testing;
using RingStore.Storage.CommitLog;
using RingStore.Storage.Compaction;
using RingStore.Storage.Engine;
using static RingStore.Storage.Tests.Engine.EngineTestKit;

namespace RingStore.Storage.Tests.VirtualTime;

/// <summary>
/// The engine's TimeProvider is the only clock below it: on a virtual clock, the commit log's periodic sync and the
/// compaction throttle wait for virtual time, not wall time. Periods are an hour long, so a part still on the wall
/// clock would never act within a test and the test fails.
/// </summary>
public sealed class EngineClockTests
{
    private static readonly TimeSpan NotYet = TimeSpan.FromMilliseconds(300); // how long "nothing happens" is watched
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Periodic_commit_log_sync_runs_when_the_engines_virtual_clock_reaches_the_interval_and_not_before()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var interval = TimeSpan.FromHours(1);
        await using var engine = StorageEngine.Open(Options(dir.Path) with
        {
            CommitLogSync = CommitLogSyncMode.Periodic,
            CommitLogPeriodicSyncInterval = interval,
        }, [TimeSeries()], time: time);
        var log = engine.CommitLogForTests;

        await engine.ApplyAsync(Write(1, 1, [1, 2, 3], timestamp: 1));
        long tail = log.TailPosition;
        long commits = log.CommitCount;

        await Task.Delay(NotYet);
        time.Advance(interval - TimeSpan.FromSeconds(1));
        await Task.Delay(NotYet);
        Assert.Equal(commits, log.CommitCount);
        Assert.True(log.DurablePosition < tail, "synced before the virtual interval passed");

        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => log.DurablePosition >= tail, "the periodic sync at the virtual interval");
        Assert.True(log.CommitCount > commits);
    }

    [Fact]
    public async Task Compaction_throttle_sleeps_on_virtual_time()
    {
        var time = new FakeTimeProvider();
        var throttle = new CompactionThrottle(mibPerSecond: 1, time);
        // An hour's budget at 1 MiB/s: due one virtual hour after the throttle started (never, on the wall clock, in a test).
        var accounting = Task.Run(() => throttle.Account(3600L << 20, CancellationToken.None));

        await AssertStillRunning(accounting, "returned before any virtual time passed");
        time.Advance(TimeSpan.FromMinutes(59));
        await AssertStillRunning(accounting, "returned before the virtual budget allowed");
        time.Advance(TimeSpan.FromMinutes(2));
        await accounting.WaitAsync(Eventually);
    }

    [Fact]
    public async Task Compaction_throttle_returns_on_cancellation_without_throwing()
    {
        var time = new FakeTimeProvider();
        var throttle = new CompactionThrottle(mibPerSecond: 1, time);
        using var stop = new CancellationTokenSource();
        var accounting = Task.Run(() => throttle.Account(100L << 20, stop.Token));
        await AssertStillRunning(accounting, "returned before the budget allowed");
        await stop.CancelAsync();
        await accounting.WaitAsync(Eventually); // the caller checks the token; the wait-handle wait never threw either
    }

    [Fact]
    public void Compaction_throttle_asks_for_the_rate_at_every_chunk_and_sleeps_exactly_what_it_says()
    {
        var clock = new SteppingClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        double mibPerSecond = 1;
        var throttle = new CompactionThrottle(() => mibPerSecond * (1 << 20), clock);
        throttle.Account(1 << 20, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(1), clock.Now);
        mibPerSecond = 4; // the backlog grew: the next chunk goes four times faster
        throttle.Account(4 << 20, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Now);
        mibPerSecond = 0; // unlimited: no sleep
        throttle.Account(100 << 20, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(2), clock.Now);
        // Time spent slow on its own earns no burst: after 10 idle seconds the next chunk still takes its full time.
        clock.AdvanceTo(TimeSpan.FromSeconds(12));
        mibPerSecond = 2;
        throttle.Account(2 << 20, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(13), clock.Now);
    }

    private static async Task AssertStillRunning(Task task, string message) =>
        Assert.False(await Task.WhenAny(task, Task.Delay(NotYet)) == task, message);

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
