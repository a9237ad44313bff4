using System.Collections.Concurrent;
using HdrHistogram;
using RingStore.Bench.Workloads;

namespace RingStore.Bench.Load;

/// <summary>
/// Latencies and failures of a run, per second since its start and per operation kind, so a report can plot them
/// over time and compute percentiles for any window (before, during and after a failure). Each second has one
/// concurrent histogram per kind (2 significant digits: 1% resolution, a few KB each), created on first use.
/// </summary>
public sealed class TimelineRecorder
{
    /// <summary>Latencies above a minute are clamped: far above any request timeout.</summary>
    public const long HighestTrackableMicros = 60_000_000;

    private readonly LongConcurrentHistogram?[][] _latency;
    private readonly long[][] _failed;
    private readonly long[] _wrong;
    private readonly ConcurrentDictionary<string, long> _failuresByKind = new(StringComparer.Ordinal);

    public TimelineRecorder(int maxSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeconds, 1);
        MaxSeconds = maxSeconds;
        _latency = [new LongConcurrentHistogram?[maxSeconds], new LongConcurrentHistogram?[maxSeconds]];
        _failed = [new long[maxSeconds], new long[maxSeconds]];
        _wrong = new long[maxSeconds];
    }

    public int MaxSeconds { get; }

    /// <summary>Failures by error kind (Unavailable, WriteTimeout, Transport, ...).</summary>
    public IReadOnlyDictionary<string, long> FailuresByKind => _failuresByKind;

    public void RecordSuccess(OperationKind kind, TimeSpan at, long latencyMicros)
    {
        int second = Slot(at);
        var slots = _latency[(int)kind];
        var histogram = Volatile.Read(ref slots[second]);
        if (histogram is null)
        {
            Interlocked.CompareExchange(ref slots[second], new LongConcurrentHistogram(1, HighestTrackableMicros, 2), null);
            histogram = Volatile.Read(ref slots[second])!;
        }
        histogram.RecordValue(Math.Clamp(latencyMicros, 1, HighestTrackableMicros));
    }

    public void RecordFailure(OperationKind kind, TimeSpan at, string errorKind)
    {
        Interlocked.Increment(ref _failed[(int)kind][Slot(at)]);
        _failuresByKind.AddOrUpdate(errorKind, 1, (_, n) => n + 1);
    }

    /// <summary>A request that succeeded but answered wrongly (it is also counted as a success for latency).</summary>
    public void RecordWrong(TimeSpan at) => Interlocked.Increment(ref _wrong[Slot(at)]);

    public long TotalFailed => _failed.Sum(k => k.Sum());

    public long TotalWrong => _wrong.Sum();

    public long TotalOps(OperationKind? kind = null) => Window(0, MaxSeconds, kind).TotalCount;

    /// <summary>All successful latencies (µs) in seconds [fromSecond, toSecond), of one kind or both.</summary>
    public LongHistogram Window(int fromSecond, int toSecond, OperationKind? kind = null)
    {
        var merged = new LongHistogram(1, HighestTrackableMicros, 2);
        for (int k = 0; k < 2; k++)
        {
            if (kind is { } only && (int)only != k) continue;
            for (int s = Math.Max(0, fromSecond); s < Math.Min(toSecond, MaxSeconds); s++)
                if (Volatile.Read(ref _latency[k][s]) is { } h) merged.Add(h);
        }
        return merged;
    }

    public long FailedIn(int fromSecond, int toSecond)
    {
        long total = 0;
        for (int s = Math.Max(0, fromSecond); s < Math.Min(toSecond, MaxSeconds); s++) total += Interlocked.Read(ref _failed[0][s]) + Interlocked.Read(ref _failed[1][s]);
        return total;
    }

    /// <summary>One point per second for the first <paramref name="seconds"/> seconds.</summary>
    public IReadOnlyList<TimelinePoint> Points(int seconds)
    {
        var points = new List<TimelinePoint>();
        for (int s = 0; s < Math.Min(seconds, MaxSeconds); s++)
        {
            var all = Window(s, s + 1);
            long writes = Volatile.Read(ref _latency[0][s])?.TotalCount ?? 0;
            long reads = Volatile.Read(ref _latency[1][s])?.TotalCount ?? 0;
            points.Add(new TimelinePoint(s, all.TotalCount, writes, reads, FailedIn(s, s + 1), Interlocked.Read(ref _wrong[s]),
                PercentileMs(all, 50), PercentileMs(all, 99)));
        }
        return points;
    }

    public static double PercentileMs(HistogramBase histogram, double percentile)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        return histogram.TotalCount == 0 ? 0 : Math.Round(histogram.GetValueAtPercentile(percentile) / 1000.0, 3);
    }

    private int Slot(TimeSpan at) => (int)Math.Clamp(at.Ticks / TimeSpan.TicksPerSecond, 0, MaxSeconds - 1);
}
