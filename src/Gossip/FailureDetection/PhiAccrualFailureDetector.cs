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
    /// <returns>True when this round ends such a stall (the caller then lets its peers hear from it at once).</returns>
    public bool BeginRound(TimeSpan now)
    {
        bool stalled = _lastInterpret is { } last && now - last > Options.MaxLocalPause;
        if (stalled)
        {
            _lastPause = now;
        }
        _lastInterpret = now;
        return stalled;
    }

    /// <summary>True when phi exceeds the threshold and we are not just back from a local pause.</summary>
    public bool ShouldConvict(string endpoint, TimeSpan now) => ShouldConvict(FindWindow(endpoint), now);

    /// <summary><see cref="ShouldConvict(string, TimeSpan)"/> on a window the caller already holds (null: never heard).</summary>
    internal bool ShouldConvict(ArrivalWindow? window, TimeSpan now) => ShouldConvict(window, now, long.MinValue);

    /// <param name="lastContactTicks">
    /// When a message sent by the endpoint itself last arrived (long.MinValue: never). It proves the endpoint ran then,
    /// so it counts for the minimum silence like a heartbeat, but is not recorded as an interval: it arrives alongside
    /// the heartbeats and would shorten the mean.
    /// </param>
    internal bool ShouldConvict(ArrivalWindow? window, TimeSpan now, long lastContactTicks)
    {
        if (lastContactTicks != long.MinValue && now.Ticks - lastContactTicks < Options.MinimumSilence.Ticks)
        {
            return false; // it sent us something itself within the minimum silence: a stall of it, not a death
        }
        // After our own stall every peer looks late only because we did not run: give the first rounds after it (the
        // gossiper's fan-out exchanges, which bring every live peer's newer heartbeat) time to catch up. Not longer: a
        // peer that really died must still be convicted within the bound by an observer that stalled meanwhile (a guard
        // of the 3 s minimum silence, renewed by each stall, kept such observers from convicting for 8-10 s).
        if (_lastPause is { } pause && now - pause < Options.MaxLocalPause)
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
