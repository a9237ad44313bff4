namespace RingStore.Coordination;

/// <summary>
/// The last N latencies of one table, in a ring buffer, for percentile queries. A percentile costs a copy and a
/// sort of the window, and the coordinator asks for one on every read (the speculative-retry threshold), so the
/// answer is cached and recomputed only once a sixteenth of the window is new samples (every 64 reads at the default
/// 1,024): a threshold that lags a few dozen reads behind is as good as an exact one, as in Cassandra, which
/// refreshes it on a timer.
/// </summary>
internal sealed class LatencyWindow
{
    private readonly long[] _ticks;
    private int _next;
    private int _addedSinceComputed;
    private double _cachedP = double.NaN;
    private long _cachedTicks;

    public LatencyWindow(int capacity) => _ticks = new long[capacity];

    public int Count { get; private set; }

    public void Add(TimeSpan latency)
    {
        _ticks[_next] = latency.Ticks;
        _next = (_next + 1) % _ticks.Length;
        Count = Math.Min(Count + 1, _ticks.Length);
        _addedSinceComputed++;
    }

    /// <summary>Nearest-rank percentile (0 &lt; p &lt;= 1) of the samples in the window (at most Count/16 samples stale).</summary>
    public TimeSpan Percentile(double p)
    {
        // Exact until the window holds 16 samples; from then on recomputed after Count/16 new ones.
        if (p == _cachedP && _addedSinceComputed < Math.Max(1, Count / 16)) return TimeSpan.FromTicks(_cachedTicks);
        var sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(p * Count);
        _cachedTicks = sorted[Math.Clamp(rank - 1, 0, Count - 1)];
        _cachedP = p;
        _addedSinceComputed = 0;
        return TimeSpan.FromTicks(_cachedTicks);
    }
}
