using RingStore.Bench.Measurement;

namespace RingStore.Bench.HotPartition;

/// <summary>Max / average over the nodes of each per-node figure of a run (1 = even).</summary>
public sealed record SkewFigures(double Coordinator, double Replica, double Cpu, double ReadP99, double WriteP99)
{
    public static SkewFigures Of(IReadOnlyList<NodeLoad> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return new SkewFigures(
            SkewRatio.MaxOverAverage(nodes.Select(n => (double)n.CoordinatorRequests)),
            SkewRatio.MaxOverAverage(nodes.Select(n => (double)n.ReplicaRequests)),
            SkewRatio.MaxOverAverage(nodes.Select(n => n.CpuSeconds)),
            SkewRatio.MaxOverAverage(nodes.Select(n => n.ReadP99Ms)),
            SkewRatio.MaxOverAverage(nodes.Select(n => n.WriteP99Ms)));
    }
}
