namespace RingStore.Coordination;

/// <summary>
/// Recent latencies, for ordering replicas and for the speculative-retry threshold. Pure: the caller passes
/// the time of each sample and query (elapsed time from its TimeProvider), and locks if it shares the tracker.
/// <para>
/// Per replica: a time-decaying average. A sample's weight grows with the time since the previous one (a slow
/// answer long ago says little about now), and each sample moves the average by at least
/// <see cref="MinSampleWeight"/>. The score read back decays toward zero while a replica goes unmeasured, so a
/// replica that was slow once is tried again later instead of being avoided forever (as Cassandra's dynamic snitch
/// resets its scores). Unknown replicas score zero: worth measuring.
/// </para>
/// <para>Per table: the last <c>windowSize</c> read latencies; the threshold is their p99 (configurable).</para>
/// </summary>
public sealed class ReplicaLatencyTracker
{
    private const double MinSampleWeight = 0.1;

    private readonly TimeSpan _decayTime;
    private readonly int _windowSize;
    private readonly int _minSamplesForThreshold;
    private readonly Dictionary<string, (double AverageMs, TimeSpan LastSample)> _replicas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LatencyWindow> _tables = new(StringComparer.Ordinal);

    /// <param name="decayTime">Time constant of the exponential decay (e.g. 10 s).</param>
    /// <param name="windowSize">Reads kept per table for the percentile.</param>
    /// <param name="minSamplesForThreshold">Below this many reads a table has no threshold (no speculation yet).</param>
    public ReplicaLatencyTracker(TimeSpan decayTime, int windowSize = 1024, int minSamplesForThreshold = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(decayTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSamplesForThreshold, 1);
        _decayTime = decayTime;
        _windowSize = windowSize;
        _minSamplesForThreshold = minSamplesForThreshold;
    }

    public void RecordReplicaLatency(string endpoint, TimeSpan latency, TimeSpan now)
    {
        double sampleMs = latency.TotalMilliseconds;
        if (!_replicas.TryGetValue(endpoint, out var state))
        {
            _replicas[endpoint] = (sampleMs, now);
            return;
        }
        double oldWeight = Math.Min(Decay(now - state.LastSample), 1 - MinSampleWeight);
        _replicas[endpoint] = (oldWeight * state.AverageMs + (1 - oldWeight) * sampleMs, now);
    }

    /// <summary>Lower is better; milliseconds, decayed by the time since the last sample.</summary>
    public double ScoreFor(string endpoint, TimeSpan now) =>
        _replicas.TryGetValue(endpoint, out var state) ? state.AverageMs * Decay(now - state.LastSample) : 0;

    public void RecordTableRead(string table, TimeSpan latency)
    {
        if (!_tables.TryGetValue(table, out var window))
        {
            window = new LatencyWindow(_windowSize);
            _tables[table] = window;
        }
        window.Add(latency);
    }

    /// <summary>
    /// The latency past which a read of this table sends one extra request: the <paramref name="percentile"/>
    /// of recent reads, or null until enough reads were seen.
    /// </summary>
    public TimeSpan? SpeculativeRetryThreshold(string table, double percentile = 0.99)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 1);
        return _tables.TryGetValue(table, out var window) && window.Count >= _minSamplesForThreshold
            ? window.Percentile(percentile)
            : null;
    }

    private double Decay(TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero ? 1 : Math.Exp(-elapsed.TotalMilliseconds / _decayTime.TotalMilliseconds);
}
