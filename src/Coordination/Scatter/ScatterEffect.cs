namespace RingStore.Coordination.Scatter;

/// <summary>What a <see cref="ScatterGatherOperation"/> asks its driver to do. The driver reports outcomes back as events.</summary>
public abstract record ScatterEffect
{
    /// <summary>Read <paramref name="Range"/>: attempt 0 on its preferred replica, attempt 1 (the hedge or the retry) on another one.
    /// Answer with OnAttemptDone or OnAttemptFailed for that attempt.</summary>
    public sealed record Launch(ScatterRange Range, int Attempt) : ScatterEffect;

    /// <summary>Stop an attempt whose answer is no longer needed (the other attempt won, the budget ran out, the scan ended).</summary>
    public sealed record Cancel(ScatterRange Range, int Attempt) : ScatterEffect;

    /// <summary>The range's result may be consumed: emitted in token order, after every earlier range was delivered or skipped.</summary>
    public sealed record Deliver(ScatterRange Range) : ScatterEffect;

    /// <summary>The range is missing from a partial answer (in token order like Deliver); <paramref name="Error"/> is why (null: out of budget).</summary>
    public sealed record Skip(ScatterRange Range, Exception? Error) : ScatterEffect;

    /// <summary>A finished attempt's latency, for the hedging delay of later ranges.</summary>
    public sealed record Latency(TimeSpan Elapsed) : ScatterEffect;

    /// <summary>Call OnTimer at <paramref name="At"/> (replaces any earlier request; null: no timer needed).</summary>
    public sealed record ArmTimer(TimeSpan? At) : ScatterEffect;

    /// <summary>The scan is over: every needed range was delivered or skipped. <paramref name="LimitReached"/>: it stopped early at the row limit.</summary>
    public sealed record Complete(bool LimitReached) : ScatterEffect;

    /// <summary>The scan fails (no partial results): <paramref name="Range"/> failed with <paramref name="Error"/> (null: out of budget, a timeout).</summary>
    public sealed record Fail(ScatterRange Range, Exception? Error) : ScatterEffect;
}
