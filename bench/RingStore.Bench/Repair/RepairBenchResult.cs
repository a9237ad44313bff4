using RingStore.Bench.Reports;

namespace RingStore.Bench.Repair;

/// <summary>One difference fraction: node 2 lacked the newest version of <see cref="DifferingRows"/> rows, node 0 repaired.</summary>
public sealed record RepairFractionResult
{
    public required string Scenario { get; init; }
    public double DifferenceFraction { get; init; }
    public long DifferingRows { get; init; }
    public double RepairSeconds { get; init; }
    public int RangesTotal { get; init; }
    public int RangesFailed { get; init; }
    public long RowsCompared { get; init; }
    public long RowsDiffering { get; init; }
    /// <summary>Row versions written to replicas by the repair.</summary>
    public long RowsTransferred { get; init; }
    /// <summary>Bytes of those mutations.</summary>
    public long BytesTransferred { get; init; }
    /// <summary>Bytes of row versions fetched by the coordinator (from its own engine and from peers).</summary>
    public long BytesFetched { get; init; }
    /// <summary>Transferred rows / differing rows (null when nothing differed).</summary>
    public double? OverstreamRatio { get; init; }
    /// <summary>The largest RSS any node reached during the repair.</summary>
    public long PeakRssBytes { get; init; }
    /// <summary>The largest growth of any node's RSS during the repair over its RSS when the repair started.</summary>
    public long RssGrowthBytes { get; init; }
    /// <summary>The same for RssAnon (VmRSS less mapped file pages: the node's own memory, page cache left out).</summary>
    public long AnonRssGrowthBytes { get; init; }
    public required IReadOnlyList<long> PeakRssBytesPerNode { get; init; }
    public required IReadOnlyList<long> RssAtStartBytesPerNode { get; init; }
    /// <summary>Node 0's data (SSTable files) divided by the repair's seconds: a lower bound of the validation read rate.</summary>
    public double ValidationMibPerSec { get; init; }
    /// <summary>From the read-back at ALL after every fraction ran (the same figure in every entry).</summary>
    public long LostWrites { get; init; }
}

public sealed record RepairBenchResult
{
    public string Scenario { get; init; } = "repair";
    public required RunInfo Run { get; init; }
    public int DataMib { get; init; }
    public long Rows { get; init; }
    public int ValueBytes { get; init; }
    public double LoadSeconds { get; init; }
    public double LoadMibPerSec { get; init; }
    public required IReadOnlyList<long> NodeDataBytes { get; init; }
    public long FailedRequests { get; init; }
    public long LostWrites { get; init; }
    public long WrongValues { get; init; }
    public double ReadBackSeconds { get; init; }
    public required IReadOnlyList<RepairFractionResult> Results { get; init; }
    public string? Error { get; init; }
}
