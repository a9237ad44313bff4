namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Bounded window of heartbeat inter-arrival intervals for one endpoint, with a running sum so the mean
/// is O(1). Intervals longer than the initial estimate are dropped (see <see cref="FailureDetectorOptions.InitialInterval"/>).
/// </summary>
public sealed class ArrivalWindow
{
    private readonly double[] _intervalsMs;
    private readonly double _maxIntervalMs;
    private int _count;
    private int _next;
    private double _sumMs;

    public ArrivalWindow(int capacity, TimeSpan initialInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _intervalsMs = new double[capacity];
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
