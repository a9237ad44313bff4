using System.Diagnostics;
using RingStore.Bench.Workloads;
using RingStore.Client;

namespace RingStore.Bench.Load;

/// <summary>
/// Closed-loop load through the SDK: N loops, each sends its next request when the previous one answered, until
/// the run's time is up. Every request's latency goes to a <see cref="TimelineRecorder"/> under the second it
/// finished in; a RingStoreException is a failure (by its error kind), a wrong answer is counted apart.
/// </summary>
public static class LoadRunner
{
    /// <param name="plan">Plans the loop's next request from the loop's own Random (pure: no I/O).</param>
    /// <param name="progress">Called about once a second with the seconds elapsed, while the loops run.</param>
    public static async Task RunAsync(int concurrency, TimeSpan duration, int seed, Func<Random, LoadRequest> plan, TimelineRecorder recorder,
        Action<TimeSpan>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(recorder);
        long started = Stopwatch.GetTimestamp();
        var seeds = new Random(seed);
        var loops = new Task[concurrency];
        for (int i = 0; i < concurrency; i++)
        {
            var random = new Random(seeds.Next());
            loops[i] = Task.Run(() => LoopAsync(random, started, duration, plan, recorder, ct), ct);
        }
        var all = Task.WhenAll(loops);
        while (progress is not null && await Task.WhenAny(all, Task.Delay(1000, ct)).ConfigureAwait(false) != all)
            progress(Stopwatch.GetElapsedTime(started));
        await all.ConfigureAwait(false);
    }

    private static async Task LoopAsync(Random random, long started, TimeSpan duration, Func<Random, LoadRequest> plan, TimelineRecorder recorder, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < duration)
        {
            if (!await ExecuteAsync(plan(random), started, Stopwatch.GetTimestamp(), recorder, ct).ConfigureAwait(false)) return;
        }
    }

    /// <summary>
    /// Paced (open-loop) load through the SDK: <paramref name="ratePerSecond"/> requests per second on a
    /// <see cref="PacedSchedule"/> over <paramref name="maxInFlight"/> loops, latency from each request's scheduled time,
    /// recorded like the closed loops. Runs until <paramref name="stop"/> is cancelled (requests in flight then finish
    /// normally, nothing new is sent) or <paramref name="maxDuration"/> has passed; <paramref name="ct"/> aborts.
    /// </summary>
    public static async Task RunPacedAsync(int maxInFlight, double ratePerSecond, TimeSpan maxDuration, int seed, Func<Random, LoadRequest> plan,
        TimelineRecorder recorder, Action<TimeSpan>? progress, CancellationToken stop, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratePerSecond, 0);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(recorder);
        long started = Stopwatch.GetTimestamp();
        var schedule = new PacedSchedule(started, maxInFlight, ratePerSecond);
        long stopAt = started + (long)(maxDuration.TotalSeconds * Stopwatch.Frequency);
        var seeds = new Random(seed);
        var loops = new Task[maxInFlight];
        for (int i = 0; i < maxInFlight; i++)
        {
            var random = new Random(seeds.Next());
            int loop = i;
            loops[i] = Task.Run(async () =>
            {
                for (long k = 0; !stop.IsCancellationRequested && !ct.IsCancellationRequested; k++)
                {
                    long scheduled = schedule.TimestampOf(loop, k);
                    if (scheduled >= stopAt) return;
                    try
                    {
                        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, ct);
                        await PacedSchedule.WaitUntilAsync(scheduled, either.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    if (!await ExecuteAsync(plan(random), started, scheduled, recorder, ct).ConfigureAwait(false)) return;
                }
            }, ct);
        }
        var all = Task.WhenAll(loops);
        while (progress is not null && !ct.IsCancellationRequested && await Task.WhenAny(all, Task.Delay(1000, ct)).ConfigureAwait(false) != all)
            progress(Stopwatch.GetElapsedTime(started));
        await all.ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one request; its latency (from <paramref name="latencyFrom"/>, a Stopwatch timestamp) goes under the second
    /// it finished in. False when the run was cancelled.
    /// </summary>
    private static async Task<bool> ExecuteAsync(LoadRequest request, long started, long latencyFrom, TimelineRecorder recorder, CancellationToken ct)
    {
        try
        {
            bool right = await request.Execute(ct).ConfigureAwait(false);
            long after = Stopwatch.GetTimestamp();
            var at = Stopwatch.GetElapsedTime(started, after);
            recorder.RecordSuccess(request.Kind, at, (after - latencyFrom) * 1_000_000 / Stopwatch.Frequency);
            if (!right) recorder.RecordWrong(at);
            return true;
        }
        catch (RingStoreException e) when (!ct.IsCancellationRequested)
        {
            recorder.RecordFailure(request.Kind, Stopwatch.GetElapsedTime(started), ErrorLabel(e));
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (RingStoreException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>For a request that ended in a RingStoreException thrown by the SDK: the error kind label used in reports.</summary>
    public static string ErrorLabel(RingStoreException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.IsTransportFailure ? "Transport" : e.Kind.ToString();
    }
}
