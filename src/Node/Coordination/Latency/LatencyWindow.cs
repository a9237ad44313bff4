namespace RingStore.Node.Coordination;

/// <summary>The last N latencies of one table, in a ring buffer, for percentile queries.</summary>
internal sealed class LatencyWindow
{
    private readonly long[] _ticks;
    private int _next;

    public LatencyWindow(int capacity) => _ticks = new long[capacity];

    public int Count { get; private set; }

    public void Add(TimeSpan latency)
    {
        _ticks[_next] = latency.Ticks;
        _next = (_next + 1) % _ticks.Length;
        Count = Math.Min(Count + 1, _ticks.Length);
    }

    /// <summary>Nearest-rank percentile (0 &lt; p &lt;= 1) of the samples in the window.</summary>
    public TimeSpan Percentile(double p)
    {
        var sorted = _ticks.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(p * Count);
        return TimeSpan.FromTicks(sorted[Math.Clamp(rank - 1, 0, Count - 1)]);
    }
}
