namespace RingStore.Storage.Compaction;

/// <summary>
/// Caps compaction's write rate (MiB/s) so it does not starve foreground reads and writes of disk
/// bandwidth: after each chunk it sleeps until the bytes written fit the budget. Time and the sleep come from the
/// engine's <see cref="TimeProvider"/>, so a virtual clock drives the throttle too.
/// </summary>
public sealed class CompactionThrottle
{
    private readonly double _bytesPerSecond;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _bytes;

    public CompactionThrottle(double mibPerSecond, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _bytesPerSecond = mibPerSecond * 1024 * 1024;
        _time = time;
        _started = time.GetTimestamp();
    }

    public bool Enabled => _bytesPerSecond > 0;

    /// <summary>Counts a written chunk and blocks (the compaction's own thread) until the rate fits; returns early on cancellation.</summary>
    public void Account(long bytes, CancellationToken ct)
    {
        if (!Enabled) return;
        _bytes += bytes;
        double due = _bytes / _bytesPerSecond;
        double elapsed = _time.GetElapsedTime(_started).TotalSeconds;
        if (due > elapsed + 0.005)
        {
            // Cancellation ends the sleep without throwing, as the wait-handle wait did; the caller checks the token.
            Task.Delay(TimeSpan.FromSeconds(due - elapsed), _time, ct)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }
    }
}
