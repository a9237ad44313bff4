namespace RingStore.Gossip.FailureDetection;

/// <summary>
/// Phi-accrual failure detector over gossip heartbeat arrivals (Hayashibara et al., as in Cassandra).
/// Pure: callers pass `now`; it never reads a clock. Not thread-safe: one gossiper drives it.
/// </summary>
public sealed class PhiAccrualFailureDetector(FailureDetectorOptions options)
{
    private readonly Dictionary<string, ArrivalWindow> _windows = new(StringComparer.Ordinal);
    private readonly IntervalChunkPool _intervals = new();
    private TimeSpan? _lastInterpret;
    private TimeSpan? _lastPause;

    // Bumped whenever a window is added or removed: a caller that cached a window (the gossiper keeps one per
    // peer to skip a dictionary lookup per heartbeat) knows its cache is still the window of that endpoint.
    private int _epoch;

    public FailureDetectorOptions Options { get; } = options;

    /// <summary>A newer heartbeat of the endpoint arrived at <paramref name="now"/>.</summary>
    public void Report(string endpoint, TimeSpan now) => GetOrAddWindow(endpoint).Add(now);

    /// <summary>Heartbeat intervals currently in the endpoint's window (0 if none): how settled its mean is.</summary>
    public int IntervalCount(string endpoint) => _windows.TryGetValue(endpoint, out var w) ? w.Count : 0;

    /// <summary>Changes whenever the set of windows changes; a window cached at one epoch is valid while it stays.</summary>
    internal int Epoch => _epoch;

    internal ArrivalWindow GetOrAddWindow(string endpoint)
    {
        if (!_windows.TryGetValue(endpoint, out var window))
        {
            window = new ArrivalWindow(Options.WindowSize, Options.InitialInterval,
                Options.MaxRecordedInterval ?? Options.InitialInterval, _intervals);
            _windows.Add(endpoint, window);
            _epoch++;
        }
        return window;
    }

    internal ArrivalWindow? FindWindow(string endpoint) => _windows.GetValueOrDefault(endpoint);

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
    public bool ShouldConvict(string endpoint, TimeSpan now) => ShouldConvict(FindWindow(endpoint), now);

    /// <summary><see cref="ShouldConvict(string, TimeSpan)"/> on a window the caller already holds (null: never heard).</summary>
    internal bool ShouldConvict(ArrivalWindow? window, TimeSpan now)
    {
        // After our own stall, peers get at least the minimum silence to be heard again (their heartbeats queued while we
        // were frozen; a peer that stalled at the same time needs its own resume plus a few rounds).
        if (_lastPause is { } pause && now - pause < (Options.MaxLocalPause > Options.MinimumSilence ? Options.MaxLocalPause : Options.MinimumSilence))
        {
            return false; // every peer looks late after our own stall; their heartbeats are still in flight
        }
        if (window?.LastArrival is { } last && now - last < Options.MinimumSilence)
        {
            return false; // heard recently enough that a stall of the peer explains the silence
        }
        return (window is null ? 0 : window.Phi(now)) > Options.PhiConvictThreshold;
    }

    /// <summary>Forget an endpoint's history (it restarted or was removed): old intervals say nothing about the new process.</summary>
    public void Remove(string endpoint)
    {
        if (_windows.Remove(endpoint, out var window))
        {
            window.Release();
            _epoch++;
        }
    }
}
