using System.Text.Json.Serialization;

namespace RingStore.Bench.Cluster;

/// <summary>
/// One measured phase of the cluster benchmark: one operation at one consistency level and concurrency.
/// The first six fields are the contract (the throughput-vs-p99 plot reads exactly these); the rest
/// describe the run so a plot or a reader can tell runs apart.
/// </summary>
public sealed record ClusterMeasurement
{
    [JsonPropertyName("consistency")]
    public required string Consistency { get; init; }

    /// <summary>"write" or "read".</summary>
    [JsonPropertyName("op")]
    public required string Op { get; init; }

    [JsonPropertyName("concurrency")]
    public required int Concurrency { get; init; }

    [JsonPropertyName("ops_per_sec")]
    public required double OpsPerSec { get; init; }

    [JsonPropertyName("p50_ms")]
    public required double P50Ms { get; init; }

    [JsonPropertyName("p99_ms")]
    public required double P99Ms { get; init; }

    [JsonPropertyName("nodes")]
    public int Nodes { get; init; }

    [JsonPropertyName("rf")]
    public int Rf { get; init; }

    /// <summary>Requests that ended in an error (timeout, unavailable, transport); not in the latency figures.</summary>
    [JsonPropertyName("failed")]
    public long Failed { get; init; }

    [JsonPropertyName("completed")]
    public long Completed { get; init; }

    [JsonPropertyName("p999_ms")]
    public double P999Ms { get; init; }

    [JsonPropertyName("max_ms")]
    public double MaxMs { get; init; }

    [JsonPropertyName("elapsed_s")]
    public double ElapsedSeconds { get; init; }

    /// <summary>Reads only: reads that found no row for a key the benchmark had written (a failed write leaves one).</summary>
    [JsonPropertyName("not_found")]
    public long NotFound { get; init; }

    /// <summary>CPU time all node processes used during the phase, per completed request (microseconds).</summary>
    [JsonPropertyName("node_cpu_us_per_op")]
    public double NodeCpuMicrosPerOp { get; init; }

    /// <summary>CPU time the benchmark client used during the phase, per completed request (microseconds).</summary>
    [JsonPropertyName("client_cpu_us_per_op")]
    public double ClientCpuMicrosPerOp { get; init; }

    /// <summary>Managed bytes all node processes allocated during the phase (GC.GetTotalAllocatedBytes in each), per completed request; 0 when a node did not answer Status.</summary>
    [JsonPropertyName("node_alloc_bytes_per_op")]
    public double NodeAllocBytesPerOp { get; init; }

    /// <summary>
    /// The same bytes per replica write the nodes applied (writes only): with RF = nodes a QUORUM write is RF replica
    /// writes plus one coordination, so this is the allocation of one replica write plus a third of a coordination.
    /// </summary>
    [JsonPropertyName("node_alloc_bytes_per_replica_write")]
    public double NodeAllocBytesPerReplicaWrite { get; init; }

    /// <summary>Voluntary context switches of all node threads during the phase (waits: a thread blocked or parked), per completed request.</summary>
    [JsonPropertyName("node_voluntary_switches_per_op")]
    public double NodeVoluntarySwitchesPerOp { get; init; }

    /// <summary>Nonvoluntary context switches (preemptions) of all node threads during the phase, per completed request.</summary>
    [JsonPropertyName("node_nonvoluntary_switches_per_op")]
    public double NodeNonvoluntarySwitchesPerOp { get; init; }

    /// <summary>The machine's 1-minute load average at the end of the phase: other work on the same cores moves the throughput.</summary>
    [JsonPropertyName("load_avg")]
    public double LoadAverage { get; init; }
}
