using Microsoft.Extensions.Time.Testing;
using RingStore.Coordination.Batchlog;

namespace RingStore.Node.Tests.Coordination.Batchlog;

/// <summary>Which entries are due, on virtual time: written at least the timeout ago, oldest first.</summary>
public class BatchlogReplayScheduleTests
{
    private static readonly TimeSpan Timeout = BatchlogReplaySchedule.DefaultTimeout(TimeSpan.FromSeconds(2));

    private static long Micros(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1000 + t.Microsecond;

    [Fact]
    public void The_default_timeout_is_twice_the_write_timeout() => Assert.Equal(TimeSpan.FromSeconds(4), Timeout);

    [Fact]
    public void An_entry_becomes_due_exactly_when_it_is_the_timeout_old()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        var entry = new BatchlogEntryTime(Guid.NewGuid(), Micros(clock.GetUtcNow()));

        Assert.Empty(BatchlogReplaySchedule.Due([entry], clock.GetUtcNow(), Timeout));
        clock.Advance(Timeout - TimeSpan.FromMicroseconds(1));
        Assert.Empty(BatchlogReplaySchedule.Due([entry], clock.GetUtcNow(), Timeout));
        clock.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal([entry], BatchlogReplaySchedule.Due([entry], clock.GetUtcNow(), Timeout));
    }

    [Fact]
    public void Due_entries_come_oldest_first_and_young_ones_and_future_ones_wait()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        var now = clock.GetUtcNow();
        var old = new BatchlogEntryTime(Guid.NewGuid(), Micros(now - TimeSpan.FromMinutes(5)));
        var older = new BatchlogEntryTime(Guid.NewGuid(), Micros(now - TimeSpan.FromHours(1)));
        var young = new BatchlogEntryTime(Guid.NewGuid(), Micros(now - TimeSpan.FromSeconds(1)));
        var future = new BatchlogEntryTime(Guid.NewGuid(), Micros(now + TimeSpan.FromSeconds(30))); // a coordinator clock ahead of ours

        Assert.Equal([older, old], BatchlogReplaySchedule.Due([old, young, older, future], now, Timeout));

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal([older, old, young], BatchlogReplaySchedule.Due([old, young, older, future], clock.GetUtcNow(), Timeout));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(4, BatchlogReplaySchedule.Due([old, young, older, future], clock.GetUtcNow(), Timeout).Count);
    }
}
