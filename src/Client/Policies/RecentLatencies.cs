namespace RingStore.Client.Policies;

/// <summary>
/// The last <see cref="Capacity"/> successful request latencies of this client, for the speculative-execution delay
/// (about their p99). Thread-safe. The percentile is recomputed every 64 samples, not per request: sorting a
/// thousand values per request would cost more than the requests it is meant to speed up.
/// </summary>
public sealed class RecentLatencies
{
    public const int Capacity = 1024;
    private const int RecomputeEvery = 64;

    private readonly Lock _gate = new();
    private readonly double[] _ms = new double[Capacity];
    private int _count;
    private int _next;
    private int _sinceRecompute;
    private double _p99 = double.NaN;

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    public void Add(TimeSpan latency)
    {
        lock (_gate)
        {
            _ms[_next] = latency.TotalMilliseconds;
            _next = (_next + 1) % Capacity;
            if (_count < Capacity) _count++;
            if (++_sinceRecompute >= RecomputeEvery || double.IsNaN(_p99)) Recompute();
        }
    }

    /// <summary>The 99th percentile of the recent latencies; null before any were recorded.</summary>
    public TimeSpan? P99
    {
        get
        {
            lock (_gate) return _count == 0 ? null : TimeSpan.FromMilliseconds(_p99);
        }
    }

    private void Recompute()
    {
        _sinceRecompute = 0;
        var sorted = _ms[.._count];
        Array.Sort(sorted);
        _p99 = sorted[Math.Min(_count - 1, (int)Math.Ceiling(_count * 0.99) - 1)];
    }
}
