namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Bounded window of heartbeat inter-arrival intervals for one endpoint, with a running sum so the mean
/// is O(1). Intervals longer than the initial estimate are dropped (see <see cref="FailureDetectorOptions.InitialInterval"/>).
/// </summary>
public sealed class ArrivalWindow
{
    private readonly int _capacity;
    private readonly double _maxIntervalMs;
    private double[] _intervalsMs;
    private int _count;
    private int _next;
    private double _sumMs;

    public ArrivalWindow(int capacity, TimeSpan initialInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        // Grown on demand: a 1,000-node view holds a window per peer, and most never fill.
        _intervalsMs = new double[Math.Min(capacity, 8)];
        _maxIntervalMs = initialInterval.TotalMilliseconds;
    }

    public TimeSpan? LastArrival { get; private set; }

    public int Count => _count;

    public double MeanMs => _count == 0 ? _maxIntervalMs : _sumMs / _count;

    public void Add(TimeSpan now)
    {
        if (LastArrival is { } last)
        {
            double interval = (now - last).TotalMilliseconds;
            if (interval <= _maxIntervalMs && interval >= 0)
            {
                Record(interval);
            }
        }
        else
        {
            // Err high until real intervals arrive: a false "down" causes flapping, a late one only waits longer.
            Record(_maxIntervalMs);
        }
        LastArrival = now;
    }

    /// <summary>phi = -log10(P(no heartbeat for this long)) with exponentially distributed arrivals.</summary>
    public double Phi(TimeSpan now)
    {
        if (LastArrival is not { } last || _count == 0)
        {
            return 0;
        }
        double sinceMs = Math.Max(0, (now - last).TotalMilliseconds);
        return sinceMs / MeanMs / Math.Log(10);
    }

    private void Record(double intervalMs)
    {
        if (_count == _intervalsMs.Length && _count < _capacity)
        {
            // The buffer is full and in order from _next (== 0 after a full lap); grow it.
            var bigger = new double[Math.Min(_capacity, _intervalsMs.Length * 2)];
            Array.Copy(_intervalsMs, _next, bigger, 0, _count - _next);
            Array.Copy(_intervalsMs, 0, bigger, _count - _next, _next);
            _intervalsMs = bigger;
            _next = _count;
        }
        if (_count == _intervalsMs.Length)
        {
            _sumMs -= _intervalsMs[_next];
        }
        else
        {
            _count++;
        }
        _intervalsMs[_next] = intervalMs;
        _sumMs += intervalMs;
        _next = (_next + 1) % _intervalsMs.Length;
    }
}
