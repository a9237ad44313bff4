namespace RingStore.Client.Policies;

/// <summary>
/// When an idempotent request gets a second attempt on another node while the first is still outstanding (at most
/// one extra). Non-idempotent requests are never speculated.
/// </summary>
public sealed record SpeculativeExecutionOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Fixed delay before the extra attempt; null: the p99 of this client's recent latencies (adaptive).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Adaptive delay floor: below it, jitter alone would double the load.</summary>
    public TimeSpan MinimumDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Adaptive delay until <see cref="MinimumSamples"/> latencies are known.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public int MinimumSamples { get; init; } = 100;

    /// <summary>The delay to use now, given the recent latencies.</summary>
    public TimeSpan DelayFor(RecentLatencies recent)
    {
        ArgumentNullException.ThrowIfNull(recent);
        if (Delay is { } fixedDelay) return fixedDelay;
        if (recent.Count < MinimumSamples || recent.P99 is not { } p99) return InitialDelay;
        return p99 < MinimumDelay ? MinimumDelay : p99;
    }
}
