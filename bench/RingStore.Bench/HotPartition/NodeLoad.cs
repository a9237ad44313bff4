namespace RingStore.Bench.HotPartition;

/// <summary>
/// What one node did during a run: requests it coordinated, replica requests it served (reads and writes, from its
/// counters), CPU seconds, and the p99 of its local reads and writes of the run's table (the table is new each run,
/// so these are this run's alone; the node's coordinator latency is cumulative since it started and is not).
/// </summary>
public sealed record NodeLoad(string Node, long CoordinatorRequests, long ReplicaRequests, long ReplicaReads, long ReplicaWrites, double CpuSeconds,
    double ReadP99Ms, double WriteP99Ms)
{
    public static NodeLoad Between(NodeSnapshot before, NodeSnapshot after, string tableFullName)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        long Delta(Func<Client.Protos.NodeMetrics, long> f) => after.Metrics is { } a ? Math.Max(0, f(a) - (before.Metrics is { } b ? f(b) : 0)) : 0;
        var table = after.Metrics?.Tables.FirstOrDefault(t => t.Table == tableFullName);
        double cpu = after.Cpu is { } c1 && before.Cpu is { } c0 ? Math.Round((c1 - c0).TotalSeconds, 2) : 0;
        long replicaReads = Delta(m => m.ReplicaReads), replicaWrites = Delta(m => m.ReplicaWrites);
        return new NodeLoad(after.Node, Delta(m => m.CoordinatorReads + m.CoordinatorWrites), replicaReads + replicaWrites, replicaReads, replicaWrites, cpu,
            table?.ReadLatency?.P99Ms ?? 0, table?.WriteLatency?.P99Ms ?? 0);
    }
}
