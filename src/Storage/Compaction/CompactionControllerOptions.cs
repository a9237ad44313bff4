namespace RingStore.Storage.Compaction;

/// <summary>
/// Shape of the backlog-driven compaction rate (<see cref="CompactionController"/>). The engine's
/// <see cref="Engine.StorageEngineOptions.CompactionThroughputMiBPerSecond"/> is the rate with no backlog; the rate grows
/// linearly with the backlog up to <see cref="MaxFactor"/> times that at <see cref="FullBacklogFlushes"/>.
/// </summary>
public sealed record CompactionControllerOptions
{
    /// <summary>Top rate as a multiple of the base rate. 1 makes the base rate a fixed cap (the behaviour before issue 20).</summary>
    public double MaxFactor { get; init; } = 16;

    /// <summary>
    /// Backlog at which the rate reaches the top, in memtable flushes' worth of bytes (the backlog is normalized by
    /// <see cref="Engine.StorageEngineOptions.MemtableFlushThresholdBytes"/>, as ScyllaDB normalizes by its memtable size).
    /// </summary>
    public double FullBacklogFlushes { get; init; } = 16;

    /// <summary>
    /// Time constant of the rate's fall when the backlog shrinks (it rises at once): a compaction that just finished
    /// does not drop the next one, due a second later, back to the base rate.
    /// </summary>
    public TimeSpan DecayTime { get; init; } = TimeSpan.FromSeconds(10);
}
