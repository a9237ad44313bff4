namespace RingStore.Storage.Tests.VirtualTime;

/// <summary>
/// A virtual clock for one thread that runs everything inline: a timer (a throttle's sleep) moves the clock to its due
/// time at once and then fires, so a sleep costs no wall time and the time it would have taken is exact. Time also
/// moves by <see cref="AdvanceTo"/>. Periodic timers are refused (an inline engine starts none).
/// </summary>
internal sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks;

    public TimeSpan Now => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void AdvanceTo(TimeSpan when)
    {
        long current;
        while (when.Ticks > (current = Interlocked.Read(ref _ticks)))
            if (Interlocked.CompareExchange(ref _ticks, when.Ticks, current) == current) return;
    }

    public override DateTimeOffset GetUtcNow() => start + Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
            throw new NotSupportedException("The stepping clock runs one-shot timers only.");
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Interlocked.Add(ref _ticks, Math.Max(0, dueTime.Ticks));
            // Fired off the creating thread: the creator (Task.Delay) is not done setting up when it is called.
            ThreadPool.UnsafeQueueUserWorkItem(s => callback(s), state, preferLocal: false);
        }
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException("The stepping clock's timers cannot be changed.");

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
