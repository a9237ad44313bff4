using System.Collections.Concurrent;

namespace RingStore.Node.Metrics;

/// <summary>Per-table reads and writes per second, from the engine's cumulative counters sampled periodically.</summary>
public sealed class TableRateSampler(TimeProvider time)
{
    private sealed record Sample(long Reads, long Writes, long Timestamp);

    private readonly ConcurrentDictionary<string, (Sample Previous, Sample Latest)> _samples = new(StringComparer.Ordinal);

    public void Observe(string table, long reads, long writes)
    {
        var now = new Sample(reads, writes, time.GetTimestamp());
        _samples.AddOrUpdate(table, _ => (now, now), (_, s) => (s.Latest, now));
    }

    public (double ReadsPerSecond, double WritesPerSecond) Rates(string table)
    {
        if (!_samples.TryGetValue(table, out var s)) return (0, 0);
        double seconds = time.GetElapsedTime(s.Previous.Timestamp, s.Latest.Timestamp).TotalSeconds;
        if (seconds <= 0) return (0, 0);
        return ((s.Latest.Reads - s.Previous.Reads) / seconds, (s.Latest.Writes - s.Previous.Writes) / seconds);
    }
}
