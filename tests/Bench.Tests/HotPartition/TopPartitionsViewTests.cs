using RingStore.Bench.HotPartition;
using RingStore.Client.Protos;

namespace RingStore.Bench.Tests.HotPartition;

public sealed class TopPartitionsViewTests
{
    private static NodeMetrics Metrics(params (string Table, string Key, string Kind, long Count)[] entries)
    {
        var m = new NodeMetrics();
        foreach (var e in entries) m.TopPartitions.Add(new TopPartition { Table = e.Table, PartitionKey = e.Key, Kind = e.Kind, Count = e.Count });
        return m;
    }

    [Fact]
    public void Cluster_view_sums_the_replicas_counts_per_kind_and_ranks_them()
    {
        var perNode = TopPartitionsView.PerNode(
        [
            ("node0", Metrics(("hot.t", "0, b, 0", "write", 100), ("hot.t", "1, b, 0", "write", 40), ("hot.other", "9, b, 0", "write", 999))),
            ("node1", Metrics(("hot.t", "0, b, 0", "write", 90), ("hot.t", "2, b, 0", "read", 70))),
            ("node2", null),
        ], "hot.t");
        Assert.Equal(4, perNode.Count);
        var cluster = TopPartitionsView.ClusterWide(perNode, 10);
        Assert.Equal([("read", "2, b, 0", 70L), ("write", "0, b, 0", 190L), ("write", "1, b, 0", 40L)],
            cluster.Select(e => (e.Kind, e.PartitionKey, e.Count)));
        Assert.Equal([0L, 2, 1], TopPartitionsView.HottestIds(cluster, 5));
        Assert.Equal([0L], TopPartitionsView.HottestIds(cluster, 1));
    }

    [Fact]
    public void Skew_figures_come_from_per_node_loads()
    {
        var skew = SkewFigures.Of(
        [
            new NodeLoad("node0", 100, 300, 100, 200, 2.0, 1, 2),
            new NodeLoad("node1", 100, 100, 50, 50, 1.0, 1, 2),
            new NodeLoad("node2", 100, 200, 100, 100, 3.0, 4, 2),
        ]);
        Assert.Equal(1.0, skew.Coordinator);
        Assert.Equal(1.5, skew.Replica);
        Assert.Equal(1.5, skew.Cpu);
        Assert.Equal(2.0, skew.ReadP99);
        Assert.Equal(1.0, skew.WriteP99);
    }
}
