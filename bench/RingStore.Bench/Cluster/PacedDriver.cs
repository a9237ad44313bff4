using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;

namespace RingStore.Bench.Cluster;

/// <summary>
/// Offers a fixed request rate (open loop) with at most <c>concurrency</c> requests in flight, on a
/// <see cref="Load.PacedSchedule"/> (latency from the scheduled send time: no coordinated omission).
/// </summary>
public static class PacedDriver
{
    private const long HighestTrackableMicros = 60_000_000;

    public static async Task<LoadPhaseResult> RunAsync(int concurrency, double ratePerSecond, TimeSpan duration,
        Func<int, CancellationToken, Task<bool>> operation, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratePerSecond, 0);
        ArgumentNullException.ThrowIfNull(operation);
        long started = Stopwatch.GetTimestamp();
        var schedule = new Load.PacedSchedule(started, concurrency, ratePerSecond);
        long stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var histograms = new LongHistogram[concurrency];
        var completed = new long[concurrency];
        var failed = new long[concurrency];
        var misses = new long[concurrency];
        var tasks = new Task[concurrency];
        var maxMicrosPerSecond = new long[(int)Math.Ceiling(duration.TotalSeconds) + 1];
        for (int i = 0; i < concurrency; i++)
        {
            int loop = i;
            histograms[loop] = new LongHistogram(HighestTrackableMicros, 3);
            tasks[loop] = Task.Run(async () =>
            {
                for (long k = 0; !ct.IsCancellationRequested; k++)
                {
                    long scheduled = schedule.TimestampOf(loop, k);
                    if (scheduled >= stopAt) return;
                    await Load.PacedSchedule.WaitUntilAsync(scheduled, ct).ConfigureAwait(false);
                    try
                    {
                        if (!await operation(loop, ct).ConfigureAwait(false)) misses[loop]++;
                        long micros = (Stopwatch.GetTimestamp() - scheduled) * 1_000_000 / Stopwatch.Frequency;
                        histograms[loop].RecordValue(Math.Clamp(micros, 1, HighestTrackableMicros));
                        RaiseTo(ref maxMicrosPerSecond[Math.Min(maxMicrosPerSecond.Length - 1, (int)((scheduled - started) / Stopwatch.Frequency))], micros);
                        completed[loop]++;
                    }
                    catch (RpcException) when (!ct.IsCancellationRequested)
                    {
                        failed[loop]++;
                    }
                }
            }, ct);
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var merged = new LongHistogram(HighestTrackableMicros, 3);
        foreach (var h in histograms) merged.Add(h);
        return new LoadPhaseResult(completed.Sum(), failed.Sum(), misses.Sum(), Stopwatch.GetElapsedTime(started), merged)
        {
            MaxMsPerSecond = [.. maxMicrosPerSecond.Select(us => us / 1000.0)],
        };
    }

    private static void RaiseTo(ref long location, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref location)))
            if (Interlocked.CompareExchange(ref location, value, current) == current) return;
    }
}
