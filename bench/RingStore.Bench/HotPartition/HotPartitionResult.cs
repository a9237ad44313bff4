using RingStore.Bench.Load;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;

namespace RingStore.Bench.HotPartition;

/// <summary>The hot-partition scenario's JSON (snake_case keys).</summary>
public sealed record HotPartitionResult
{
    public string Scenario { get; init; } = "hot-partition";
    public long FailedRequests { get; init; }
    /// <summary>Acknowledged writes the final QUORUM read-back did not find.</summary>
    public long LostWrites { get; init; }
    public required RunInfo Run { get; init; }
    public int Nodes { get; init; }
    public int Rf { get; init; }
    public required string Consistency { get; init; }
    public int Concurrency { get; init; }
    public int Ids { get; init; }
    public double ReadFraction { get; init; }
    public int SaltCount { get; init; }
    public int HotKeys { get; init; }
    public double DurationS { get; init; }
    public required IReadOnlyList<HotPartitionRun> Runs { get; init; }
    /// <summary>Per exponent: skew without salting and with the hot keys salted, side by side.</summary>
    public required IReadOnlyList<SkewComparison> Comparison { get; init; }
    public required IReadOnlyList<PlotEvent> Events { get; init; }
    public string? Error { get; init; }
}

/// <summary>One measured run: one exponent, plain ("base") or with the hot ids salted ("salted").</summary>
public sealed record HotPartitionRun
{
    public double Exponent { get; init; }
    public required string Mode { get; init; }
    public required string Table { get; init; }
    /// <summary>Share of requests the workload sends to the single hottest id, and to the <c>HotKeys</c> hottest (from the distribution).</summary>
    public double ExpectedShareTop1 { get; init; }
    public double ExpectedShareTopHot { get; init; }
    public required IReadOnlyList<long> SaltedIds { get; init; }
    public long Requests { get; init; }
    public double OpsPerSec { get; init; }
    public double P50Ms { get; init; }
    public double P99Ms { get; init; }
    public long FailedRequests { get; init; }
    public required IReadOnlyDictionary<string, long> FailuresByKind { get; init; }
    public required IReadOnlyList<NodeLoad> PerNode { get; init; }
    public required SkewFigures Skew { get; init; }
    public required IReadOnlyList<HotPartitionEntry> TopPartitionsCluster { get; init; }
    public required IReadOnlyList<HotPartitionEntry> TopPartitionsPerNode { get; init; }
    public long AckedWrites { get; init; }
    public long PartitionsChecked { get; init; }
    public long MissingWrites { get; init; }
    public long WrongValues { get; init; }
    public long CheckReadErrors { get; init; }
    /// <summary>Where this run starts on the combined timeline (seconds).</summary>
    public double TimelineOffsetS { get; init; }
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }
}

public sealed record SkewComparison(double Exponent, SkewFigures Before, SkewFigures After, double OpsPerSecBefore, double OpsPerSecAfter, double P99MsBefore, double P99MsAfter);
