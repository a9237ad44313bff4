namespace RingStore.Coordination.Scatter;

/// <summary>
/// When a slow range gets a hedged second attempt: the p99 of recent range latencies once there are enough of them
/// (a range slower than 99 in 100 is likely stuck on a slow replica, and hedging at the p99 costs about 1% extra
/// requests), else a fixed fraction of the range's budget; never below <paramref name="floor"/> (a burst of very fast
/// ranges would otherwise hedge everything at the first hiccup) nor past half the budget (the hedge needs time too).
/// </summary>
public static class HedgeDelay
{
    public const double DefaultBudgetFraction = 0.25;

    public static TimeSpan For(TimeSpan budget, TimeSpan? recentP99, TimeSpan floor, double budgetFraction = DefaultBudgetFraction)
    {
        if (budget <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(budget), budget, "must be positive");
        var half = budget / 2;
        var delay = recentP99 ?? budget * budgetFraction;
        if (delay < floor) delay = floor;
        if (delay > half) delay = half;
        return delay > TimeSpan.Zero ? delay : TimeSpan.FromTicks(1);
    }
}

/// <summary>
/// Recent range latencies (one scan's ranges and the scans before it) for <see cref="HedgeDelay"/>: the p99 once
/// <see cref="MinSamples"/> are in. Pure (takes latencies, reads no clock); not thread-safe: the driver locks.
/// </summary>
public sealed class RangeLatencies(int capacity = 1024)
{
    public const int MinSamples = 20;

    private readonly LatencyWindow _window = new(capacity);

    public void Add(TimeSpan latency) => _window.Add(latency);

    public TimeSpan? P99 => _window.Count >= MinSamples ? _window.Percentile(0.99) : null;
}
