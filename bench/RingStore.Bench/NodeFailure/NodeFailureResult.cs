using HdrHistogram;
using RingStore.Bench.Load;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;

namespace RingStore.Bench.NodeFailure;

/// <summary>Everything the node-failure scenario measured: the JSON file's content (snake_case keys).</summary>
public sealed record NodeFailureResult
{
    public string Scenario { get; init; } = "node-failure";

    /// <summary>Requests that ended in an error (Unavailable, timeout, transport), reads and writes.</summary>
    public long FailedRequests { get; init; }

    /// <summary>
    /// Acknowledged writes that the QUORUM read-back after the fault did not return with their value, or that no replica
    /// returned in the final per-replica read-back (the union of both; goal: zero, always).
    /// </summary>
    public long LostWrites { get; init; }

    public required RunInfo Run { get; init; }
    public required string Fault { get; init; }
    public string? PartitionAvailability { get; init; }
    public int Nodes { get; init; }
    public int Rf { get; init; }
    public required string Consistency { get; init; }
    public int Concurrency { get; init; }
    public double ReadFraction { get; init; }
    public required IReadOnlyList<int> Victims { get; init; }
    public double KillAtS { get; init; }
    public double RestartAtS { get; init; }
    public double DurationS { get; init; }

    public long Writes { get; init; }
    public long Reads { get; init; }
    public double OpsPerSec { get; init; }
    public required IReadOnlyDictionary<string, long> FailuresByKind { get; init; }

    /// <summary>Reads of acknowledged writes that came back without the row or with another value (goal: zero, always).</summary>
    public long WrongReads { get; init; }

    /// <summary>
    /// The steady state the fault is compared with: the second half of the time before the fault (the first half
    /// includes the JIT's and the connections' warm-up, which runs at half speed or less).
    /// </summary>
    public PhaseFigures? Steady { get; init; }

    /// <summary>Throughput during the fault (<see cref="During"/>) over <see cref="Steady"/> throughput.</summary>
    public double? ThroughputDuringFaultFraction { get; init; }

    /// <summary>
    /// From the fault until every live node marked the failed node(s) DOWN (null: they did not): the window in which only
    /// the SDK's own policies (speculation, latency-aware order) keep requests away from a frozen node.
    /// </summary>
    public PhaseFigures? UntilMarkedDown { get; init; }

    /// <summary>Requests the load issued, attempts the SDK sent for them (a retry or a speculative attempt is one more), and the difference.</summary>
    public long? RequestsIssued { get; init; }
    public long? AttemptsSent { get; init; }
    public long? ExtraAttempts { get; init; }

    /// <summary>The check after the fault with the whole cluster up: lost writes and visible double applications.</summary>
    public QuorumReadBackResult? QuorumReadBack { get; init; }

    public required PhaseFigures Before { get; init; }
    public required PhaseFigures During { get; init; }
    public required PhaseFigures After { get; init; }

    /// <summary>Per live node: seconds from the fault until it saw every failed node DOWN (null: not within the wait).</summary>
    public required IReadOnlyDictionary<string, double?> SecondsUntilMarkedDown { get; init; }
    public double? SecondsUntilAllMarkedDown { get; init; }
    public required IReadOnlyDictionary<string, double?> SecondsUntilMarkedUpAfterRestart { get; init; }
    /// <summary>Seconds from the restart (or heal) command until the failed node(s) answered again.</summary>
    public double? SecondsUntilRestartedNodeReady { get; init; }

    public long HintsStored { get; init; }
    public long HintsReplayed { get; init; }
    public long HintsDropped { get; init; }
    public long HintsPendingPeak { get; init; }
    /// <summary>Seconds from the restart command until no live node held hints for the failed nodes (null: not drained).</summary>
    public double? HintDrainSeconds { get; init; }
    public long ReadRepairs { get; init; }
    public long Unavailables { get; init; }
    public long WriteTimeouts { get; init; }
    public long ReadTimeouts { get; init; }

    public required ReadBackResult ReadBack { get; init; }
    public required IReadOnlyList<PlotEvent> Events { get; init; }
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }
    public required IReadOnlyList<HintSample> HintsPendingTimeline { get; init; }
    public string? Error { get; init; }
}

/// <summary>Latency and throughput of one window of the run (before the fault, during it, after the restart).</summary>
public sealed record PhaseFigures(double FromS, double ToS, long Ops, double OpsPerSec, double P50Ms, double P99Ms, double MaxMs, long Failed)
{
    /// <summary>The figures of the whole seconds covering [from, to) of a run's timeline.</summary>
    public static PhaseFigures Of(TimelineRecorder recorder, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        int a = (int)Math.Floor(from), b = (int)Math.Ceiling(to);
        var h = recorder.Window(a, b);
        return new PhaseFigures(a, b, h.TotalCount, b > a ? Math.Round(h.TotalCount / (double)(b - a), 1) : 0,
            TimelineRecorder.PercentileMs(h, 50), TimelineRecorder.PercentileMs(h, 99), h.TotalCount == 0 ? 0 : Math.Round(h.GetMaxValue() / 1000.0, 3),
            recorder.FailedIn(a, b));
    }
}

/// <summary>Hints the live nodes held for the failed nodes at one moment.</summary>
public sealed record HintSample(double AtS, long Pending);

/// <summary>The final check: every acknowledged write read at ONE from each of its replicas, one node running at a time.</summary>
public sealed record ReadBackResult
{
    public long AckedWrites { get; init; }
    public long ReplicaCopiesChecked { get; init; }
    public long ReplicaCopiesMissing { get; init; }
    public long WrongValues { get; init; }
    /// <summary>Acknowledged writes present on some replicas but not all (hints or repair did not reach one).</summary>
    public long WritesNotOnEveryReplica { get; init; }
    public long LostWrites { get; init; }
    public required IReadOnlyList<NodeReadBack> PerNode { get; init; }
    public string? Error { get; init; }

    /// <summary>The keys counted in <see cref="LostWrites"/>, to join with the QUORUM read-back.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<(long Id, string Bucket, long TimestampMillis)> Lost { get; init; } = new HashSet<(long, string, long)>();
}

/// <summary>
/// One node's share of the read-back. MissingAckedFromS/ToS: when (scenario clock) the writes this node lacks were
/// acknowledged, to tell writes lost in a crash window from writes a hint never delivered.
/// </summary>
public sealed record NodeReadBack(string Node, long Partitions, long Expected, long Missing, long WrongValue, long ReadErrors,
    double? MissingAckedFromS, double? MissingAckedToS);
