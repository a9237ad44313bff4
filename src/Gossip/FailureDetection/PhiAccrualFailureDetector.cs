namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Phi-accrual failure detector over gossip heartbeat arrivals (Hayashibara et al., as in Cassandra).
/// Pure: callers pass `now`; it never reads a clock. Not thread-safe: one gossiper drives it.
/// </summary>
public sealed class PhiAccrualFailureDetector(FailureDetectorOptions options)
{
    private readonly Dictionary<string, ArrivalWindow> _windows = new(StringComparer.Ordinal);
    private TimeSpan? _lastInterpret;
    private TimeSpan? _lastPause;

    public FailureDetectorOptions Options { get; } = options;

    /// <summary>A newer heartbeat of the endpoint arrived at <paramref name="now"/>.</summary>
    public void Report(string endpoint, TimeSpan now)
    {
        if (!_windows.TryGetValue(endpoint, out var window))
        {
            window = new ArrivalWindow(Options.WindowSize, Options.InitialInterval);
            _windows.Add(endpoint, window);
        }
        window.Add(now);
    }

    public double Phi(string endpoint, TimeSpan now) => _windows.TryGetValue(endpoint, out var w) ? w.Phi(now) : 0;

    /// <summary>
    /// Call once per gossip round before <see cref="ShouldConvict"/>. Detects that this process itself stalled:
    /// a gap since the last round longer than <see cref="FailureDetectorOptions.MaxLocalPause"/>.
    /// </summary>
    public void BeginRound(TimeSpan now)
    {
        if (_lastInterpret is { } last && now - last > Options.MaxLocalPause)
        {
            _lastPause = now;
        }
        _lastInterpret = now;
    }

    /// <summary>True when phi exceeds the threshold and we are not just back from a local pause.</summary>
    public bool ShouldConvict(string endpoint, TimeSpan now)
    {
        if (_lastPause is { } pause && now - pause < Options.MaxLocalPause)
        {
            return false; // every peer looks late after our own stall; their heartbeats are still in flight
        }
        return Phi(endpoint, now) > Options.PhiConvictThreshold;
    }

    /// <summary>Forget an endpoint's history (it restarted or was removed): old intervals say nothing about the new process.</summary>
    public void Remove(string endpoint) => _windows.Remove(endpoint);
}
