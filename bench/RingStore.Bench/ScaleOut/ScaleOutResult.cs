using RingStore.Bench.Load;
using RingStore.Bench.NodeFailure;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;

namespace RingStore.Bench.ScaleOut;

/// <summary>Ownership of one node for the bench keyspace (fraction of the ring it replicates), as node 0's Status reports it.</summary>
public sealed record NodeOwnership(string Node, string Status, double Ownership);

/// <summary>Everything the scale-out scenario measured: the JSON file's content (snake_case keys).</summary>
public sealed record ScaleOutResult
{
    public string Scenario { get; init; } = "scale-out";

    /// <summary>Requests of the paced load (reads and writes) that ended in an error.</summary>
    public long FailedRequests { get; init; }

    /// <summary>Acknowledged writes (bulk-loaded rows and the load's writes) that the final QUORUM read-back did not return with their value.</summary>
    public long LostWrites { get; init; }

    public double? BootstrapSeconds { get; init; }
    public double? DecommissionSeconds { get; init; }

    /// <summary>Bytes received by stream sessions (bootstrap + decommission), from Netstats of the receiving nodes.</summary>
    public long StreamedBytes { get; init; }

    /// <summary>The bootstrap's stream rate: bytes the new node received over the seconds it was receiving them.</summary>
    public double StreamMibPerSec { get; init; }

    /// <summary>Max over min of the NORMAL nodes' ownership of the keyspace right after the join (4 nodes).</summary>
    public double? OwnershipMaxOverMin { get; init; }

    public double P99MsBefore { get; init; }

    /// <summary>p99 over the seconds in which data streamed: the bootstrap (start to NORMAL) and the decommission.</summary>
    public double P99MsDuring { get; init; }

    public double P99MsAfter { get; init; }

    /// <summary>--stream-mib-per-sec given to every node (0 = unlimited).</summary>
    public int StreamThrottleMibPerSec { get; init; }

    public required RunInfo Run { get; init; }
    public string? Error { get; init; }

    public int DataMib { get; init; }
    public long LoadedRows { get; init; }
    public double LoadSeconds { get; init; }
    public double LoadMibPerSec { get; init; }
    public long LoadFailedMutations { get; init; }
    public long LoadRetries { get; init; }

    public double PeakOpsPerSec { get; init; }
    public long PeakFailedRequests { get; init; }
    public double RateOffered { get; init; }
    public int MaxInFlight { get; init; }
    public double ReadFraction { get; init; }

    public long Writes { get; init; }
    public long Reads { get; init; }
    public IReadOnlyDictionary<string, long> FailuresByKind { get; init; } = new Dictionary<string, long>();
    public long WrongReads { get; init; }

    public long BootstrapStreamedBytes { get; init; }
    public long DecommissionStreamedBytes { get; init; }
    /// <summary>SSTables received whole (entire-SSTable streaming) by the bootstrap and the decommission, from Netstats.</summary>
    public long BootstrapSstablesStreamedWhole { get; init; }
    public long DecommissionSstablesStreamedWhole { get; init; }
    public double DecommissionStreamMibPerSec { get; init; }
    public long DecommissionReportedBytes { get; init; }
    public string? DecommissionMessage { get; init; }
    public string? JoinedNode { get; init; }
    public string? DecommissionedNode { get; init; }
    public IReadOnlyList<NodeOwnership> OwnershipAfterJoin { get; init; } = [];

    /// <summary>Max over min of the NORMAL nodes' primary ownership (RF 1 view, token balance alone) after the join.</summary>
    public double? PrimaryOwnershipMaxOverMin { get; init; }
    public IReadOnlyList<NodeOwnership> PrimaryOwnershipAfterJoin { get; init; } = [];
    public IReadOnlyList<NodeOwnership> OwnershipAfterDecommission { get; init; } = [];

    public PhaseFigures? Before { get; init; }
    public PhaseFigures? Bootstrap { get; init; }
    public PhaseFigures? Decommission { get; init; }
    public PhaseFigures? After { get; init; }
    public double P99MsBootstrap { get; init; }
    public double P99MsDecommission { get; init; }

    public long AckedLoadWrites { get; init; }
    public long LostLoadWrites { get; init; }
    public long LostLoadedRows { get; init; }
    public long WrongValues { get; init; }
    public long ReadBackErrors { get; init; }
    public double ReadBackSeconds { get; init; }

    public IReadOnlyList<PlotEvent> Events { get; init; } = [];
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];
    public IReadOnlyList<StreamSample> StreamTimeline { get; init; } = [];
    public IReadOnlyDictionary<string, string> NodeLogTails { get; init; } = new Dictionary<string, string>();
}
