using System.Diagnostics;
using Grpc.Core;
using HdrHistogram;

namespace RingStore.Bench.Cluster;

/// <summary>
/// Runs N concurrent closed loops (each issues its next request when the previous one answered) for a fixed time
/// and measures every request's latency. Each loop owns its counters and histogram, so loops never contend on a
/// shared lock; they are merged once at the end. ops/s = completed / wall time until the last loop finished.
/// </summary>
public static class ClosedLoopDriver
{
    /// <summary>Highest latency the histogram tracks: one minute, far above any server timeout.</summary>
    private const long HighestTrackableMicros = 60_000_000;

    /// <summary>
    /// <paramref name="operation"/> gets the loop index (so it can reuse that loop's request objects) and returns
    /// false for a "miss" (a read that found nothing); a thrown <see cref="RpcException"/> counts as failed.
    /// </summary>
    public static async Task<LoadPhaseResult> RunAsync(int concurrency, TimeSpan duration, Func<int, CancellationToken, Task<bool>> operation,
        Action<LoadProgress>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentNullException.ThrowIfNull(operation);
        var loops = new LoopState[concurrency];
        for (int i = 0; i < concurrency; i++) loops[i] = new LoopState();

        long started = Stopwatch.GetTimestamp();
        long stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[concurrency];
        for (int i = 0; i < concurrency; i++)
        {
            int index = i;
            // Task.Run so that the loops start together instead of each running its first synchronous stretch in turn.
            tasks[i] = Task.Run(() => LoopAsync(index, loops[index], stopAt, operation, ct), ct);
        }

        var all = Task.WhenAll(tasks);
        if (progress is not null)
        {
            while (!ct.IsCancellationRequested && await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1), ct)).ConfigureAwait(false) != all)
            {
                progress(Snapshot(loops, started));
            }
        }
        await all.ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        var merged = new LongHistogram(HighestTrackableMicros, 3);
        long completed = 0, failed = 0, misses = 0;
        foreach (var loop in loops)
        {
            merged.Add(loop.Latency);
            completed += loop.Completed;
            failed += loop.Failed;
            misses += loop.Misses;
        }
        return new LoadPhaseResult(completed, failed, misses, elapsed, merged);
    }

    private static async Task LoopAsync(int index, LoopState state, long stopAt, Func<int, CancellationToken, Task<bool>> operation, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < stopAt)
        {
            long before = Stopwatch.GetTimestamp();
            try
            {
                bool hit = await operation(index, ct).ConfigureAwait(false);
                long micros = (Stopwatch.GetTimestamp() - before) * 1_000_000 / Stopwatch.Frequency;
                state.Latency.RecordValue(Math.Min(Math.Max(micros, 1), HighestTrackableMicros));
                Volatile.Write(ref state.Completed, state.Completed + 1);
                if (!hit) state.Misses++;
            }
            catch (RpcException) when (!ct.IsCancellationRequested)
            {
                Volatile.Write(ref state.Failed, state.Failed + 1);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
                return; // Ctrl+C: the caller sees the cancellation through its token
            }
        }
    }

    private static LoadProgress Snapshot(LoopState[] loops, long started)
    {
        long completed = 0, failed = 0;
        foreach (var loop in loops)
        {
            completed += Volatile.Read(ref loop.Completed);
            failed += Volatile.Read(ref loop.Failed);
        }
        return new LoadProgress(completed, failed, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One loop's private counters. Written only by its loop; the progress line reads them racily, which is fine.</summary>
    private sealed class LoopState
    {
        public readonly LongHistogram Latency = new(HighestTrackableMicros, 3);
        public long Completed;
        public long Failed;
        public long Misses;
    }
}
