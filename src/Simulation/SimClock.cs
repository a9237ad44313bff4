namespace RingStore.Simulation;

/// <summary>
/// The scheduler's virtual time as a <see cref="TimeProvider"/>, for the storage engines of the simulated nodes: wall
/// time is <see cref="SimCluster.NowSeconds"/>'s epoch plus the virtual time, timestamps are the virtual ticks. No
/// timers: an engine run with <c>RunInline</c> starts none, and one that tried would break the replay, so it fails.
/// </summary>
public sealed class SimClock(SimScheduler scheduler) : TimeProvider
{
    /// <summary>Unix second 1,000,000: the nodes' wall clock at virtual time zero (as <see cref="SimCluster.NowSeconds"/>).</summary>
    public static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch.AddSeconds(1_000_000);

    public override DateTimeOffset GetUtcNow() => Epoch + scheduler.Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => scheduler.Now.Ticks;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("A simulated storage engine runs no timers: the simulator calls its background steps.");
}
