namespace RingStore.Simulation;

/// <summary>
/// One simulated run. Fault rates are drawn per seed inside the ranges below so 200 seeds cover calm and
/// rough clusters. The two bug switches exist to prove the checkers catch what they claim to.
/// </summary>
public sealed record SimulationOptions(int Seed)
{
    public int NodeCount { get; init; } = 5;
    public int ReplicationFactor { get; init; } = 3;
    public int TokensPerNode { get; init; } = 4;
    public int ClientCount { get; init; } = 3;
    public int KeyCount { get; init; } = 2;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(4);

    public double MaxLossProbability { get; init; } = 0.12;
    public TimeSpan MinDelay { get; init; } = TimeSpan.FromMilliseconds(1);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(15);
    /// <summary>Share of messages that are slow (50..150 ms): drives speculative retries and timeouts.</summary>
    public double SlowMessageProbability { get; init; } = 0.05;

    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public double MaxKillProbability { get; init; } = 0.25;
    public double MaxPartitionProbability { get; init; } = 0.15;

    public TimeSpan PingInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>A peer not heard from for this long is seen down (a crude failure detector: views lag the truth).</summary>
    public TimeSpan ConvictAfter { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan HintReplayInterval { get; init; } = TimeSpan.FromMilliseconds(150);
    public TimeSpan HintWindow { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan DefaultSpeculativeThreshold { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Bug switch: answer a digest mismatch without writing the resolved data back (reads can go backwards).</summary>
    public bool DisableReadRepair { get; init; }

    /// <summary>Bug switch: send read repairs but answer without waiting for their acks (non-blocking read repair).</summary>
    public bool AnswerBeforeRepairAcks { get; init; }

    /// <summary>Bug switch: acknowledge QUORUM writes after this many acks (1 loses acknowledged writes).</summary>
    public int? WriteBlockForOverride { get; init; }
}
