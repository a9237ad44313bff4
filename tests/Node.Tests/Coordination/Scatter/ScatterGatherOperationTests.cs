using CsCheck;
using RingStore.Coordination.Scatter;

namespace RingStore.Node.Tests.Coordination.Scatter;

/// <summary>
/// The scatter-gather planner alone: events in, effects out, on made-up times. Hand cases for ordering, hedging,
/// retries, budgets, partial answers and the limit; a CsCheck property drives it on a virtual clock with random
/// per-attempt latencies and outcomes and checks the contract (bounded concurrency, token order, each range once,
/// budgets kept, at most two attempts, all-or-error without partial results, coverage adds up).
/// </summary>
public class ScatterGatherOperationTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1), Hedge = TimeSpan.FromMilliseconds(200);

    private static IReadOnlyList<ScatterRange> Ranges(int n) =>
        ScatterRange.InOrder(Enumerable.Range(0, n).Select(i => ((long)i * 100, (long)i * 100 + 100)));

    private static ScatterOptions Options(int max = 4, bool partial = false, int initial = 1) => new(max, initial, Budget, Hedge, partial);

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static List<string> Names(IEnumerable<ScatterEffect> effects) => effects.Select(e => e switch
    {
        ScatterEffect.Launch l => $"Launch {l.Range.Index}/{l.Attempt}",
        ScatterEffect.Cancel c => $"Cancel {c.Range.Index}/{c.Attempt}",
        ScatterEffect.Deliver d => $"Deliver {d.Range.Index}",
        ScatterEffect.Skip s => $"Skip {s.Range.Index}",
        ScatterEffect.Complete c => $"Complete {c.LimitReached}",
        ScatterEffect.Fail f => $"Fail {f.Range.Index}",
        ScatterEffect.ArmTimer a => a.At is null ? "Disarm" : $"Arm {a.At.Value.TotalMilliseconds}",
        ScatterEffect.Latency l => $"Latency {l.Elapsed.TotalMilliseconds}",
        _ => e.ToString()!,
    }).ToList();

    [Fact]
    public void An_aggregate_launches_up_to_the_maximum_and_delivers_in_token_order()
    {
        var op = new ScatterGatherOperation(Ranges(5), Options(max: 3), limit: null);
        Assert.Equal(["Launch 0/0", "Launch 1/0", "Launch 2/0", "Arm 200"], Names(op.Start(Ms(0))));
        // Range 2 answers first: nothing can be delivered before range 0, but a slot is free for range 3.
        Assert.Equal(["Latency 10", "Launch 3/0", "Arm 200"], Names(op.OnAttemptDone(2, 0, 7, false, Ms(10))).Where(n => n != "Arm 200").Append("Arm 200"));
        var effects = Names(op.OnAttemptDone(0, 0, 1, false, Ms(20)));
        Assert.Equal(["Latency 20", "Deliver 0", "Launch 4/0"], effects.Where(e => !e.StartsWith("Arm")));
        effects = Names(op.OnAttemptDone(1, 0, 1, false, Ms(30)));
        Assert.Equal(["Latency 30", "Deliver 1", "Deliver 2"], effects.Where(e => !e.StartsWith("Arm")));
        op.OnAttemptDone(4, 0, 1, false, Ms(40));
        effects = Names(op.OnAttemptDone(3, 0, 1, false, Ms(50)));
        Assert.Equal(["Latency 40", "Deliver 3", "Deliver 4", "Disarm", "Complete False"], effects);
        Assert.True(op.Finished);
    }

    [Fact]
    public void An_answer_after_the_scan_budget_with_every_range_started_and_one_still_running_waits_for_its_timer()
    {
        // Regression: this state (nothing left to mark missing, the prefix held by a running range) made Advance call
        // itself until the stack overflowed, which kills the process (found by the property below in a local run).
        var op = new ScatterGatherOperation(Ranges(2), new ScatterOptions(4, 2, Budget, Hedge, AllowPartial: true, ScanBudget: Ms(500)), limit: null);
        Assert.Equal(["Launch 0/0", "Launch 1/0"], Names(op.Start(Ms(0))).Where(n => n.StartsWith("Launch")));
        Assert.Equal(["Latency 600"], Names(op.OnAttemptDone(1, 0, 3, false, Ms(600))).Where(n => !n.StartsWith("Arm")));
        Assert.False(op.Finished);
        var effects = Names(op.OnTimer(Ms(600)));
        Assert.Equal(["Cancel 0/0", "Skip 0", "Deliver 1", "Complete False"], effects.Where(n => !n.StartsWith("Arm") && n != "Disarm"));
        Assert.True(op.Finished);
    }

    [Fact]
    public void A_slow_range_is_hedged_at_the_delay_and_the_first_answer_wins()
    {
        var op = new ScatterGatherOperation(Ranges(1), Options(), limit: null);
        op.Start(Ms(0));
        Assert.DoesNotContain(Names(op.OnTimer(Ms(199))), n => n.StartsWith("Launch"));
        Assert.Equal(["Launch 0/1", "Arm 1000"], Names(op.OnTimer(Ms(200))));
        // The hedge answers first: the slow attempt is cancelled.
        Assert.Equal(["Latency 50", "Cancel 0/0", "Deliver 0", "Disarm", "Complete False"], Names(op.OnAttemptDone(0, 1, 3, false, Ms(250))));
        Assert.Empty(op.OnAttemptDone(0, 0, 3, false, Ms(260))); // late: ignored
    }

    [Fact]
    public void A_failed_first_attempt_is_retried_at_once_on_another_replica()
    {
        var op = new ScatterGatherOperation(Ranges(1), Options(), limit: null);
        op.Start(Ms(0));
        Assert.Equal(["Launch 0/1", "Arm 1000"], Names(op.OnAttemptFailed(0, 0, new IOException("disk"), retryable: true, Ms(5))));
        Assert.DoesNotContain(Names(op.OnTimer(Ms(200))), n => n.StartsWith("Launch")); // no third attempt
    }

    [Fact]
    public void Without_partial_results_a_range_out_of_budget_fails_the_scan_and_cancels_the_rest()
    {
        var op = new ScatterGatherOperation(Ranges(3), Options(max: 3), limit: null);
        op.Start(Ms(0));
        op.OnAttemptDone(1, 0, 1, false, Ms(10));
        op.OnTimer(Ms(200)); // hedges 0 and 2
        op.OnAttemptDone(2, 1, 1, false, Ms(300));
        var effects = Names(op.OnTimer(Ms(1000)));
        Assert.Equal(["Cancel 0/0", "Cancel 0/1", "Fail 0"], effects); // the timer just fired: nothing to disarm
        Assert.True(op.Finished);
        Assert.Empty(op.OnTimer(Ms(2000)));
    }

    [Fact]
    public void With_partial_results_a_lost_range_is_skipped_in_order_and_the_scan_goes_on()
    {
        var op = new ScatterGatherOperation(Ranges(3), Options(max: 1, partial: true), limit: null);
        op.Start(Ms(0));
        op.OnAttemptFailed(0, 0, new IOException("a"), true, Ms(1));
        var effects = Names(op.OnAttemptFailed(0, 1, new IOException("b"), true, Ms(2)));
        Assert.Equal(["Skip 0", "Launch 1/0", "Arm 202"], effects);
        op.OnAttemptDone(1, 0, 1, false, Ms(3));
        Assert.Contains("Complete False", Names(op.OnAttemptDone(2, 0, 1, false, Ms(4))));
    }

    [Fact]
    public void A_partial_scan_ends_at_its_budget_with_what_it_had()
    {
        var op = new ScatterGatherOperation(Ranges(4), new ScatterOptions(1, 1, Budget, Hedge, true, Ms(500)), limit: null);
        op.Start(Ms(0));
        op.OnAttemptDone(0, 0, 5, false, Ms(100));
        // Range 1 hangs; at the scan's budget it and the ranges never started are missing.
        var effects = Names(op.OnTimer(Ms(500)));
        Assert.Equal(["Cancel 1/0", "Skip 1", "Skip 2", "Skip 3", "Complete False"], effects.Where(e => !e.StartsWith("Arm") && e != "Disarm"));
    }

    [Fact]
    public void A_refusal_is_not_retried()
    {
        var op = new ScatterGatherOperation(Ranges(1), Options(), limit: null);
        op.Start(Ms(0));
        var effects = op.OnAttemptFailed(0, 0, new InvalidOperationException("too many tombstones"), retryable: false, Ms(1));
        var fail = Assert.Single(effects.OfType<ScatterEffect.Fail>());
        Assert.Equal("too many tombstones", fail.Error!.Message);
    }

    [Fact]
    public void A_scan_with_a_limit_starts_narrow_and_widens_when_ranges_return_few_rows()
    {
        var op = new ScatterGatherOperation(Ranges(20), Options(max: 8, initial: 1), limit: 100);
        Assert.Single(op.Start(Ms(0)).OfType<ScatterEffect.Launch>());
        // 10 rows per range, 90 to go: 9 ranges wanted, capped at 8.
        var launched = op.OnAttemptDone(0, 0, 10, false, Ms(5)).OfType<ScatterEffect.Launch>().Count();
        Assert.Equal(8, launched);
        Assert.Equal(8, op.Running);
    }

    [Fact]
    public void A_scan_stops_at_the_limit_and_cancels_later_ranges()
    {
        var op = new ScatterGatherOperation(Ranges(10), Options(max: 4, initial: 4), limit: 10);
        op.Start(Ms(0));
        op.OnAttemptDone(1, 0, 4, false, Ms(1));
        var effects = Names(op.OnAttemptDone(0, 0, 6, false, Ms(2)));
        Assert.Equal(["Latency 2", "Deliver 0", "Deliver 1", "Cancel 2/0", "Cancel 3/0", "Disarm", "Complete True"], effects);
    }

    [Fact]
    public void A_range_cut_at_the_limit_ends_the_scan_even_below_the_limit()
    {
        var op = new ScatterGatherOperation(Ranges(3), Options(max: 3, initial: 3), limit: 10);
        op.Start(Ms(0));
        Assert.Contains("Complete True", Names(op.OnAttemptDone(0, 0, 3, limitCut: true, Ms(1))));
    }

    [Fact]
    public void Coverage_is_exact_at_the_ends_and_proportional_between()
    {
        var ring = new ScatterRange(0, long.MinValue, long.MaxValue);
        Assert.Equal(1.0, RingCoverage.Covered(ring, []));
        Assert.Equal(0.0, RingCoverage.Covered(ring, [ring]));
        Assert.Equal(0.5, RingCoverage.Covered(ring, [new ScatterRange(0, long.MinValue, -1)]), 9);
        Assert.Equal(0.75, RingCoverage.Covered(new ScatterRange(0, 0, 400), [new ScatterRange(1, 100, 200)]));
        Assert.Equal([(0L, 300L), (400L, 500L)], RingCoverage.Coalesce([new(2, 100, 300), new(1, 0, 100), new(3, 400, 500)]));
    }

    [Fact]
    public void Hedge_delay_is_the_recent_p99_within_a_floor_and_half_the_budget()
    {
        var budget = TimeSpan.FromSeconds(4);
        Assert.Equal(TimeSpan.FromSeconds(1), HedgeDelay.For(budget, null, Ms(10)));
        Assert.Equal(Ms(30), HedgeDelay.For(budget, Ms(30), Ms(10)));
        Assert.Equal(Ms(10), HedgeDelay.For(budget, Ms(1), Ms(10)));
        Assert.Equal(TimeSpan.FromSeconds(2), HedgeDelay.For(budget, TimeSpan.FromSeconds(9), Ms(10)));
        var latencies = new RangeLatencies();
        for (int i = 1; i <= 100; i++) latencies.Add(Ms(i));
        Assert.Equal(Ms(99), latencies.P99);
    }

    [Fact]
    public void Concurrency_estimate_follows_rows_per_range()
    {
        Assert.Equal(16, ConcurrencyEstimator.Estimate(null, 16, 1, 0, 0));
        Assert.Equal(2, ConcurrencyEstimator.Estimate(1000, 16, 2, 0, 0));
        Assert.Equal(16, ConcurrencyEstimator.Estimate(1000, 16, 2, 3, 0));   // sparse: go wide
        Assert.Equal(5, ConcurrencyEstimator.Estimate(1000, 16, 2, 5, 500));  // 100 per range, 500 to go
        Assert.Equal(1, ConcurrencyEstimator.Estimate(1000, 16, 2, 5, 2000));
    }

    // ---- property ----

    private enum Outcome { Answer, FailRetryable, FailFinal, Hang }

    private sealed record Attempt(int LatencyMs, Outcome Outcome, int Rows);

    private sealed record Scenario(int Max, int Initial, bool Partial, int? Limit, Attempt[][] Ranges, int? ScanBudgetMs = null);

    private static readonly Gen<Attempt> GenAttempt = Gen.Select(
        Gen.Int[1, 1500], Gen.Frequency((6, Gen.Const(Outcome.Answer)), (1, Gen.Const(Outcome.FailRetryable)),
            (1, Gen.Const(Outcome.FailFinal)), (1, Gen.Const(Outcome.Hang))), Gen.Int[0, 20],
        (l, o, r) => new Attempt(l, o, r));

    private static readonly Gen<Scenario> GenScenario = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 6], Gen.Bool,
        Gen.Int[1, 60].Nullable(), GenAttempt.Array[2].Array[1, 25], Gen.Int[300, 3000].Nullable(),
        (max, initial, partial, limit, ranges, scan) => new Scenario(max, initial, partial, limit, ranges, partial ? scan : null));

    /// <summary>Runs a scenario on a virtual clock; returns the effects and their times, checking step invariants.</summary>
    private static List<(TimeSpan At, ScatterEffect Effect)> Run(Scenario s)
    {
        var ranges = Ranges(s.Ranges.Length);
        var op = new ScatterGatherOperation(ranges, new ScatterOptions(s.Max, s.Initial, Budget, Hedge, s.Partial,
            s.ScanBudgetMs is { } scan ? Ms(scan) : null), s.Limit);
        var log = new List<(TimeSpan, ScatterEffect)>();
        var queue = new PriorityQueue<Func<TimeSpan, IReadOnlyList<ScatterEffect>>, (TimeSpan, long)>();
        long seq = 0;
        TimeSpan? timer = null;
        void Handle(TimeSpan now, IReadOnlyList<ScatterEffect> effects)
        {
            Assert.True(op.Running <= s.Max, $"{op.Running} ranges in flight, max {s.Max}");
            foreach (var e in effects)
            {
                log.Add((now, e));
                switch (e)
                {
                    case ScatterEffect.ArmTimer a:
                        timer = a.At;
                        if (a.At is { } at) queue.Enqueue(t => timer == at ? op.OnTimer(t) : [], (at, seq++));
                        break;
                    case ScatterEffect.Launch l:
                        var attempt = s.Ranges[l.Range.Index][l.Attempt];
                        if (attempt.Outcome == Outcome.Hang) break;
                        var due = now + Ms(attempt.LatencyMs);
                        int index = l.Range.Index, n = l.Attempt;
                        queue.Enqueue(t => attempt.Outcome switch
                        {
                            Outcome.Answer => op.OnAttemptDone(index, n, attempt.Rows, false, t),
                            Outcome.FailRetryable => op.OnAttemptFailed(index, n, new IOException("x"), true, t),
                            _ => op.OnAttemptFailed(index, n, new InvalidOperationException("refused"), false, t),
                        }, (due, seq++));
                        break;
                }
            }
        }
        Handle(TimeSpan.Zero, op.Start(TimeSpan.Zero));
        while (queue.TryDequeue(out var step, out var key)) Handle(key.Item1, step(key.Item1));
        Assert.True(op.Finished, "the scan never finished");
        return log;
    }

    [Fact]
    public void Property_the_contract_holds_for_any_latencies_and_failures()
    {
        GenScenario.Sample(s =>
        {
            var log = Run(s);
            var terminal = log.Where(e => e.Effect is ScatterEffect.Complete or ScatterEffect.Fail).ToList();
            Assert.Single(terminal);
            if (s.ScanBudgetMs is { } scan) Assert.True(terminal[0].At <= Ms(scan), $"a partial scan ended at {terminal[0].At}, budget {scan} ms");
            var ordered = log.Select(e => e.Effect).Where(e => e is ScatterEffect.Deliver or ScatterEffect.Skip)
                .Select(e => e is ScatterEffect.Deliver d ? d.Range.Index : ((ScatterEffect.Skip)e).Range.Index).ToList();
            Assert.Equal(Enumerable.Range(0, ordered.Count), ordered); // token order, each once, no gap
            if (!s.Partial) Assert.DoesNotContain(log, e => e.Effect is ScatterEffect.Skip);
            var launches = log.Select(e => e.Effect).OfType<ScatterEffect.Launch>().ToList();
            Assert.All(launches.GroupBy(l => l.Range.Index), g => Assert.True(g.Count() <= 2 && g.Select(l => l.Attempt).Distinct().Count() == g.Count()));
            // Every range ends within its budget of its first launch.
            var launchedAt = log.Where(e => e.Effect is ScatterEffect.Launch { Attempt: 0 })
                .ToDictionary(e => ((ScatterEffect.Launch)e.Effect).Range.Index, e => e.At);
            foreach (var (at, effect) in log)
            {
                if (effect is ScatterEffect.Skip sk && launchedAt.TryGetValue(sk.Range.Index, out var launched)) Assert.True(at <= launched + Budget);
                if (effect is ScatterEffect.Fail f) Assert.True(at <= launchedAt[f.Range.Index] + Budget);
                if (effect is ScatterEffect.Launch) Assert.True(s.ScanBudgetMs is null || at < Ms(s.ScanBudgetMs.Value), "a launch past the scan budget");
                if (effect is ScatterEffect.Launch { Attempt: 1 } h)
                {
                    bool firstFailed = s.Ranges[h.Range.Index][0].Outcome == Outcome.FailRetryable
                        && at == launchedAt[h.Range.Index] + Ms(s.Ranges[h.Range.Index][0].LatencyMs);
                    Assert.True(firstFailed || at >= launchedAt[h.Range.Index] + Hedge, "a hedge before its delay");
                }
            }
            if (terminal[0].Effect is ScatterEffect.Complete { LimitReached: false })
            {
                Assert.Equal(s.Ranges.Length, ordered.Count); // every range delivered or skipped
                var skipped = log.Select(e => e.Effect).OfType<ScatterEffect.Skip>().Select(k => k.Range).ToList();
                var span = new ScatterRange(0, 0, s.Ranges.Length * 100L);
                double expected = 1.0 - skipped.Count / (double)s.Ranges.Length;
                Assert.Equal(expected, RingCoverage.Covered(span, skipped), 9);
            }
            if (terminal[0].Effect is ScatterEffect.Complete { LimitReached: true })
            {
                long rows = 0;
                foreach (var d in log.Select(e => e.Effect).OfType<ScatterEffect.Deliver>()) rows += RowsOf(s, log, d.Range.Index);
                Assert.True(rows >= s.Limit);
            }
        }, iter: 500);
    }

    /// <summary>The rows the winning attempt of a delivered range returned (the attempt whose answer came first).</summary>
    private static long RowsOf(Scenario s, List<(TimeSpan At, ScatterEffect Effect)> log, int range)
    {
        var attempts = s.Ranges[range];
        var launched = log.Where(e => e.Effect is ScatterEffect.Launch l && l.Range.Index == range)
            .Select(e => (((ScatterEffect.Launch)e.Effect).Attempt, e.At)).ToList();
        return launched.Where(l => attempts[l.Attempt].Outcome == Outcome.Answer)
            .OrderBy(l => l.At + Ms(attempts[l.Attempt].LatencyMs)).ThenBy(l => l.Attempt).Select(l => (long)attempts[l.Attempt].Rows).First();
    }
}
