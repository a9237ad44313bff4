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
            var request = plan(random);
            long before = Stopwatch.GetTimestamp();
            try
            {
                bool right = await request.Execute(ct).ConfigureAwait(false);
                long after = Stopwatch.GetTimestamp();
                var at = Stopwatch.GetElapsedTime(started, after);
                recorder.RecordSuccess(request.Kind, at, (after - before) * 1_000_000 / Stopwatch.Frequency);
                if (!right) recorder.RecordWrong(at);
            }
            catch (RingStoreException e) when (!ct.IsCancellationRequested)
            {
                recorder.RecordFailure(request.Kind, Stopwatch.GetElapsedTime(started), ErrorLabel(e));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RingStoreException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>For a request that ended in a RingStoreException thrown by the SDK: the error kind label used in reports.</summary>
    public static string ErrorLabel(RingStoreException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.IsTransportFailure ? "Transport" : e.Kind.ToString();
    }
}
