namespace RingStore.Storage.Compaction;

/// <summary>
/// Paces compaction's writes so it does not starve foreground reads and writes of disk bandwidth: each written chunk
/// is due <c>bytes / rate</c> after the previous one (or after now, if compaction fell behind on its own), and the
/// compaction's thread sleeps until it is. The rate is asked for at every chunk, so a backlog-driven rate
/// (<see cref="CompactionBandwidth"/>) takes effect inside a running compaction. Time and the sleep come from the
/// engine's <see cref="TimeProvider"/>, so a virtual clock drives the throttle too.
/// </summary>
public sealed class CompactionThrottle
{
    private readonly Func<double> _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly long _started;
    private double _dueSeconds; // when the bytes accounted so far may all have been written, seconds after _started

    /// <summary>A fixed cap in MiB/s; 0 = unlimited.</summary>
    public CompactionThrottle(double mibPerSecond, TimeProvider time)
        : this(() => mibPerSecond * 1024 * 1024, time)
    {
    }

    /// <summary>A rate asked for at each chunk, bytes per second; 0 (or less) = unlimited for that chunk.</summary>
    public CompactionThrottle(Func<double> bytesPerSecond, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bytesPerSecond);
        ArgumentNullException.ThrowIfNull(time);
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Counts a written chunk and blocks (the compaction's own thread) until the rate fits; returns early on cancellation.</summary>
    public void Account(long bytes, CancellationToken ct)
    {
        double rate = _bytesPerSecond();
        double elapsed = _time.GetElapsedTime(_started).TotalSeconds;
        if (!(rate > 0) || double.IsInfinity(rate))
        {
            _dueSeconds = elapsed; // unlimited now: no debt carried into a later limited chunk
            return;
        }
        // No credit for time spent behind: a compaction that was slow on its own does not then burst at any rate.
        _dueSeconds = Math.Max(_dueSeconds, elapsed) + (bytes / rate);
        if (_dueSeconds > elapsed + 0.005)
        {
            // Cancellation ends the sleep without throwing, as the wait-handle wait did; the caller checks the token.
            Task.Delay(TimeSpan.FromSeconds(_dueSeconds - elapsed), _time, ct)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }
    }
}
