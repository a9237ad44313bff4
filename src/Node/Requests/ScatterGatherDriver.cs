using RingStore.Coordination.Scatter;

namespace RingStore.Node.Requests;

/// <summary>What one range attempt read: the caller's result, the rows it counts toward the limit, and whether it stopped at the limit.</summary>
public readonly record struct RangeAttemptResult<T>(T Value, long Rows, bool LimitCut);

/// <summary>
/// A scatter-gather scan's outcome: the ranges read, in token order, with their results; the ranges missing (only
/// with partial results allowed); whether it stopped early at the row limit.
/// </summary>
public sealed record ScatterOutcome<T>(IReadOnlyList<(ScatterRange Range, T Value)> Delivered, IReadOnlyList<ScatterRange> Missing, bool LimitReached);

/// <summary>
/// Runs the pure <see cref="ScatterGatherOperation"/> with threads and a TimeProvider: each Launch starts the
/// caller's read of one range on the thread pool (so local engine reads use every core), each Cancel cancels that
/// attempt, one timer follows ArmTimer, results are kept per range and handed back in token order. Events reach the
/// machine under one lock; effects that only touch this driver's state (deliveries, the timer) are applied under it
/// too, so a stale timer request can never win over a newer one. Recent range latencies (for the hedging delay) are
/// shared by every scan of the node.
/// </summary>
public sealed class ScatterGatherDriver(TimeProvider time, ScatterSettings settings)
{
    private readonly RangeLatencies _latencies = new();

    public ScatterSettings Settings => settings;

    /// <summary>The options of one scan: the node's settings, partial results as asked, the hedging delay from recent latencies.</summary>
    public ScatterOptions OptionsFor(bool allowPartial)
    {
        TimeSpan? p99;
        lock (_latencies) p99 = _latencies.P99;
        var hedge = settings.FixedHedgeDelay ?? HedgeDelay.For(settings.RangeBudget, p99, settings.MinHedgeDelay);
        return new ScatterOptions(settings.MaxConcurrency, settings.InitialConcurrency, settings.RangeBudget, hedge, allowPartial,
            allowPartial ? settings.PartialScanBudget ?? settings.RangeBudget : null);
    }

    /// <param name="read">Reads one range; attempt 0 on the preferred replica, 1 on another. Cancelled when no longer needed.</param>
    /// <param name="retryable">Whether a failed attempt may be tried again elsewhere (false for refusals and Unavailable).</param>
    /// <param name="failure">The exception an all-or-error scan throws for a lost range (its last error, or null after a timeout).</param>
    public async Task<ScatterOutcome<T>> RunAsync<T>(IReadOnlyList<ScatterRange> ranges, long? limit, bool allowPartial,
        Func<ScatterRange, int, CancellationToken, Task<RangeAttemptResult<T>>> read, Func<Exception, bool> retryable,
        Func<ScatterRange, Exception?, Exception> failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(read);
        var op = new ScatterGatherOperation(ranges, OptionsFor(allowPartial), limit);
        var results = new T[ranges.Count];
        var delivered = new List<(ScatterRange, T)>();
        var missing = new List<ScatterRange>();
        var attempts = new Dictionary<(int, int), CancellationTokenSource>();
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var scan = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long started = time.GetTimestamp();
        TimeSpan Now() => time.GetElapsedTime(started);
        ITimer? timer = null;

        void Report(Func<TimeSpan, IReadOnlyList<ScatterEffect>> handle, Action<IReadOnlyList<ScatterEffect>>? accepted = null)
        {
            var launches = new List<ScatterEffect>();
            lock (op)
            {
                IReadOnlyList<ScatterEffect> effects;
                try
                {
                    effects = handle(Now());
                    if (effects.Count > 0) accepted?.Invoke(effects);
                }
                catch (Exception e)
                {
                    done.TrySetException(e); // a fault of the machine must not leave the scan waiting
                    return;
                }
                foreach (var effect in effects)
                {
                    switch (effect)
                    {
                        case ScatterEffect.Deliver d:
                            delivered.Add((d.Range, results[d.Range.Index]));
                            break;
                        case ScatterEffect.Skip s:
                            missing.Add(s.Range);
                            break;
                        case ScatterEffect.Latency l:
                            lock (_latencies) _latencies.Add(l.Elapsed);
                            break;
                        case ScatterEffect.ArmTimer a:
                            if (a.At is { } at)
                            {
                                var due = at - Now();
                                if (due < TimeSpan.Zero) due = TimeSpan.Zero;
                                timer ??= time.CreateTimer(_ => Report(op.OnTimer), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                                timer.Change(due, Timeout.InfiniteTimeSpan);
                            }
                            else
                            {
                                timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                            }
                            break;
                        case ScatterEffect.Complete c:
                            done.TrySetResult(c.LimitReached);
                            break;
                        case ScatterEffect.Fail f:
                            done.TrySetException(failure(f.Range, f.Error));
                            break;
                        case ScatterEffect.Launch or ScatterEffect.Cancel:
                            launches.Add(effect);
                            break;
                    }
                }
            }
            // Outside the lock: a cancellation may run callbacks inline, and a launch must not hold it.
            foreach (var effect in launches)
            {
                if (effect is ScatterEffect.Launch l) Launch(l.Range, l.Attempt);
                else if (effect is ScatterEffect.Cancel c) Cancel(c.Range.Index, c.Attempt);
            }
        }

        void Launch(ScatterRange range, int attempt)
        {
            CancellationTokenSource cts;
            lock (attempts) attempts[(range.Index, attempt)] = cts = CancellationTokenSource.CreateLinkedTokenSource(scan.Token);
            _ = Task.Run(async () =>
            {
                try
                {
                    var result = await read(range, attempt, cts.Token).ConfigureAwait(false);
                    Report(now => op.OnAttemptDone(range.Index, attempt, result.Rows, result.LimitCut, now), _ => results[range.Index] = result.Value);
                }
                catch (OperationCanceledException) when (cts.IsCancellationRequested)
                {
                    // Cancelled by the machine or the client: nothing to report.
                }
                catch (Exception e)
                {
                    Report(now => op.OnAttemptFailed(range.Index, attempt, e, retryable(e), now));
                }
            }, CancellationToken.None);
        }

        void Cancel(int range, int attempt)
        {
            CancellationTokenSource? cts;
            lock (attempts) attempts.Remove((range, attempt), out cts);
            cts?.Cancel();
        }

        try
        {
            Report(op.Start);
            bool limitReached = await done.Task.WaitAsync(ct).ConfigureAwait(false);
            lock (op) return new ScatterOutcome<T>(delivered.ToList(), missing.ToList(), limitReached);
        }
        finally
        {
            lock (op) timer?.Dispose();
            await scan.CancelAsync().ConfigureAwait(false); // stragglers (cancelled hedges, a failed scan's other ranges) stop
            lock (attempts)
            {
                foreach (var cts in attempts.Values) cts.Dispose();
                attempts.Clear();
            }
        }
    }
}

/// <summary>
/// The node's scatter-gather settings (Node options): whether range scans and aggregates fan out at all (false: the
/// sequential path, one vnode piece after another on this node, as before), the most ranges in flight per scan, the
/// first estimate of a paged scan, each range's budget, the hedging delay (fixed, or the p99 of recent ranges with a
/// floor), and the whole scan's budget when partial results are allowed (null: the range budget).
/// </summary>
public sealed record ScatterSettings(bool Enabled, int MaxConcurrency, int InitialConcurrency, TimeSpan RangeBudget, TimeSpan MinHedgeDelay,
    TimeSpan? FixedHedgeDelay = null, TimeSpan? PartialScanBudget = null)
{
    public static ScatterSettings Default(TimeSpan readTimeout) =>
        new(true, Math.Max(4, 4 * Environment.ProcessorCount), 2, readTimeout, TimeSpan.FromMilliseconds(20));
}
