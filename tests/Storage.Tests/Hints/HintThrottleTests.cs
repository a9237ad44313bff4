using CsCheck;
using RingStore.Storage.Hints;

namespace RingStore.Storage.Tests.Hints;

public sealed class HintThrottleTests
{
    [Fact]
    public void Delay_pays_exactly_for_the_bytes_already_sent()
    {
        Gen.Select(Gen.Long[0, 1L << 40], Gen.Long[0, TimeSpan.TicksPerDay], Gen.Int[1, 1 << 20])
            .Sample((bytes, elapsedTicks, rate) =>
            {
                var delay = HintThrottle.DelayBeforeNextSend(bytes, TimeSpan.FromTicks(elapsedTicks), rate);
                decimal dueTicks = bytes * (decimal)TimeSpan.TicksPerSecond / (rate * 1024m);
                decimal after = elapsedTicks + delay.Ticks;
                // Never early, and never more than a tick late (unless already past due, then no wait at all).
                return delay >= TimeSpan.Zero
                    && after >= dueTicks
                    && (delay == TimeSpan.Zero ? elapsedTicks >= dueTicks : after - dueTicks < 1);
            });
    }

    [Fact]
    public void Unlimited_rate_and_the_first_send_never_wait()
    {
        Assert.Equal(TimeSpan.Zero, HintThrottle.DelayBeforeNextSend(1L << 30, TimeSpan.Zero, 0));
        Assert.Equal(TimeSpan.Zero, HintThrottle.DelayBeforeNextSend(0, TimeSpan.Zero, 1));
        Assert.Equal(TimeSpan.FromSeconds(2), HintThrottle.DelayBeforeNextSend(4096, TimeSpan.Zero, 2));
        Assert.Equal(TimeSpan.FromSeconds(1), HintThrottle.DelayBeforeNextSend(4096, TimeSpan.FromSeconds(1), 2));
    }

    [Fact]
    public async Task Replaying_X_KiB_at_Y_KiB_per_second_takes_about_X_over_Y_seconds_of_virtual_time()
    {
        using var dir = new TempDirectory();
        var time = new WaitTrackingTimeProvider();
        const int rateKiBPerSecond = 4;
        var options = HintData.Options(dir.Path) with { ReplayThrottleKiBPerSecond = rateKiBPerSecond };
        await using var store = HintStore.Open(options, time);
        var target = Guid.NewGuid();
        await HintData.AppendRange(store, target, 0, 64, valueBytes: 460); // ~32 KiB in all
        long recordBytes = store.GetStats(target).PendingBytes / 64; // all records have the same size
        Assert.Empty(time.Requested); // appends never wait on the clock

        var start = time.GetUtcNow();
        var sender = new RecordingSender();
        var replay = store.ReplayAsync(target, sender.SendAsync);
        // Advance virtual time exactly by each wait the replay asks for; wall-clock polling only waits for the replay
        // to reach its next wait, nothing is asserted on it.
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (!replay.IsCompleted && DateTime.UtcNow < giveUp)
        {
            if (time.Requested.TryDequeue(out var due))
                time.Advance(due);
            else
                await Task.Delay(1);
        }
        var result = await replay;

        Assert.Equal(64, result.Delivered);
        Assert.Equal(64 * recordBytes, result.DeliveredBytes);
        Assert.Equal(HintData.Range(0, 64), sender.Received);
        double elapsedSeconds = (time.GetUtcNow() - start).TotalSeconds;
        // Pay-as-you-go pacing: the last hint goes out once the first 63 are paid for.
        double expectedSeconds = (result.DeliveredBytes - recordBytes) / (rateKiBPerSecond * 1024.0);
        Assert.InRange(expectedSeconds, 7.0, 8.0);
        Assert.InRange(elapsedSeconds, expectedSeconds - 0.001, expectedSeconds + 0.001);
    }

    [Fact]
    public async Task Unthrottled_replay_never_waits_on_the_clock()
    {
        using var dir = new TempDirectory();
        var time = new WaitTrackingTimeProvider();
        await using var store = HintStore.Open(HintData.Options(dir.Path), time);
        var target = Guid.NewGuid();
        await HintData.AppendRange(store, target, 0, 20, valueBytes: 2000);
        var result = await store.ReplayAsync(target, new RecordingSender().SendAsync);
        Assert.Equal(20, result.Delivered);
        Assert.Empty(time.Requested);
    }
}
