using HdrHistogram;

namespace RingStore.Node.Metrics;

/// <summary>A concurrent latency histogram (1 µs .. 60 s, 3 significant digits) with a count and percentiles in ms.</summary>
public sealed class LatencyRecorder
{
    private readonly LongConcurrentHistogram _histogram = new(1, 60_000_000, 3);

    public void Record(TimeSpan elapsed) => _histogram.RecordValue(Math.Clamp((long)elapsed.TotalMicroseconds, 1, 60_000_000));

    public (long Count, double P50Ms, double P99Ms, double MaxMs) Summary()
    {
        var copy = _histogram.Copy();
        if (copy.TotalCount == 0) return (0, 0, 0, 0);
        return (copy.TotalCount, copy.GetValueAtPercentile(50) / 1000.0, copy.GetValueAtPercentile(99) / 1000.0, copy.GetMaxValue() / 1000.0);
    }
}
