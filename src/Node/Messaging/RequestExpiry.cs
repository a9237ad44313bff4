namespace RingStore.Node.Messaging;

/// <summary>
/// The moment after which nobody waits for a request's answer, as a point on *this* node's monotonic clock
/// (<see cref="TimeProvider.GetTimestamp"/> units). Pure: every method takes the clock reading it needs.
/// </summary>
/// <remarks>
/// On the wire a request carries its *remaining budget* in milliseconds, never this timestamp and never a wall-clock
/// time: monotonic timestamps mean nothing on another machine, and wall clocks of two nodes need not agree (Cassandra
/// sends an absolute expiry and assumes NTP keeps clocks within a few milliseconds; a node whose clock runs ahead then
/// drops every request as expired, one behind does work for no one). We chose the budget: the receiver adds it to its
/// own clock on arrival, so skew cannot matter. The cost is that the one-way transit time is not subtracted, so a
/// replica gives up a little later than the sender (by a LAN's sub-millisecond latency), never earlier.
/// </remarks>
public readonly record struct RequestExpiry(long Timestamp)
{
    /// <summary>The largest budget the wire carries (about 24.8 days); a longer one is sent as no expiry.</summary>
    public const long MaxBudgetMillis = int.MaxValue;

    /// <summary>
    /// The expiry <paramref name="budget"/> from <paramref name="now"/>; null for a budget too long to carry (an
    /// infinite timeout): no deadline then, as for a sender that sends none.
    /// </summary>
    public static RequestExpiry? After(long now, long frequency, TimeSpan budget)
    {
        if (budget == Timeout.InfiniteTimeSpan || budget.TotalMilliseconds > MaxBudgetMillis) return null;
        double ticks = Math.Max(0, budget.TotalSeconds) * frequency;
        return new RequestExpiry(now + (long)Math.Ceiling(ticks));
    }

    /// <summary>The local expiry of a request that arrived at <paramref name="arrival"/> with <paramref name="budgetMillis"/> left.</summary>
    public static RequestExpiry FromBudget(long arrival, long frequency, long budgetMillis)
    {
        long millis = Math.Clamp(budgetMillis, 0, MaxBudgetMillis);
        // millis * frequency overflows for large budgets at nanosecond frequencies; divide first, then the remainder.
        long ticks = millis / 1000 * frequency + millis % 1000 * frequency / 1000;
        return new RequestExpiry(arrival + ticks);
    }

    /// <summary>Milliseconds left at <paramref name="now"/>, rounded up (a request with 0.3 ms left is not spent), at least 0.</summary>
    public long BudgetMillisAt(long now, long frequency)
    {
        long left = Timestamp - now;
        if (left <= 0) return 0;
        long whole = left / frequency * 1000 + (left % frequency * 1000 + frequency - 1) / frequency;
        return Math.Min(whole, MaxBudgetMillis);
    }

    public bool HasPassed(long now) => now >= Timestamp;

    public TimeSpan RemainingAt(long now, long frequency) =>
        now >= Timestamp ? TimeSpan.Zero : TimeSpan.FromSeconds((double)(Timestamp - now) / frequency);

    /// <summary>The sooner of two expiries; null stands for none.</summary>
    public static RequestExpiry? Sooner(RequestExpiry? a, RequestExpiry? b) =>
        a is not { } x ? b : b is not { } y ? a : x.Timestamp <= y.Timestamp ? x : y;
}
