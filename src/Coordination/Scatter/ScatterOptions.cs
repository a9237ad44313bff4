namespace RingStore.Coordination.Scatter;

/// <summary>
/// How a scatter-gather scan fans out. <see cref="MaxConcurrency"/> bounds the ranges in flight; a scan with a row
/// limit starts with <see cref="InitialConcurrency"/> and adapts (<see cref="ConcurrencyEstimator"/>), one without
/// (an aggregate) uses the maximum. Each range has <see cref="RangeBudget"/> from its launch; past
/// <see cref="HedgeDelay"/> without an answer a second attempt goes to another replica. With
/// <see cref="AllowPartial"/> a range that failed both attempts or ran out of budget is skipped and reported missing;
/// without it the scan fails (all-or-error). <see cref="ScanBudget"/> (partial results only; null: none) bounds the
/// whole scan: at its end every range still running or not yet started is missing, so a partial answer comes back in
/// time with the coverage it had.
/// </summary>
public sealed record ScatterOptions(int MaxConcurrency, int InitialConcurrency, TimeSpan RangeBudget, TimeSpan HedgeDelay, bool AllowPartial,
    TimeSpan? ScanBudget = null)
{
    /// <summary>Checks the options (a bad one is a programming error of the driver).</summary>
    public ScatterOptions Validate()
    {
        if (MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "must be at least 1");
        if (InitialConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(InitialConcurrency), InitialConcurrency, "must be at least 1");
        if (RangeBudget <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RangeBudget), RangeBudget, "must be positive");
        if (HedgeDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HedgeDelay), HedgeDelay, "must be positive");
        if (ScanBudget is { } scan && scan <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ScanBudget), scan, "must be positive");
        if (ScanBudget is not null && !AllowPartial) throw new ArgumentException("A scan budget needs partial results: without them the scan is all-or-error.", nameof(ScanBudget));
        return this;
    }
}
