namespace RingStore.Bench.Cluster;

/// <summary>Cumulative CPU time of all node processes and of the benchmark client at one moment.</summary>
public readonly record struct CpuSample(TimeSpan Nodes, TimeSpan Client)
{
    public static CpuSample operator -(CpuSample after, CpuSample before) => new(after.Nodes - before.Nodes, after.Client - before.Client);

    public static CpuSample Subtract(CpuSample after, CpuSample before) => after - before;
}
