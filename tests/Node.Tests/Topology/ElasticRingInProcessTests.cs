using RingStore.Core.Consistency;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Gossip.Ring;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Topology;

namespace RingStore.Node.Tests.Topology;

/// <summary>
/// Join, decommission and removenode on in-process nodes over real TCP and files: after each, every row is on
/// exactly the replicas the new ring names (read from each node's engine, not through a coordinator).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ElasticRingInProcessTests
{
    private const int Rows = 300;

    private static async Task WriteRowsAsync(InProcessCluster cluster, TableSchema table, int from, int count)
    {
        for (int i = from; i < from + count; i++)
            await cluster[i % 3].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, $"v{i}"), ConsistencyLevel.Quorum, CancellationToken.None);
    }

    /// <summary>Each row is on every replica the ring of <paramref name="observer"/> names (after cleanup: and on no other node).</summary>
    private static void AssertPlacement(InProcessCluster cluster, TableSchema table, int observer, IReadOnlyList<int> running, bool exact)
    {
        var strategy = cluster[observer].Lookup.Strategy("ks");
        RingSnapshot ring = cluster[observer].Membership.For(strategy).Ring;
        for (int i = 0; i < Rows; i++)
        {
            var token = Murmur3Partitioner.GetToken(SampleData.Key(table, i));
            var replicas = ring.GetNaturalReplicas(token, strategy).Select(n => n.Endpoint).ToHashSet();
            foreach (int n in running)
            {
                bool has = cluster[n].Engine.Read(SampleData.Partition(table, i)).Rows.Count == 1;
                if (replicas.Contains(cluster.Endpoint(n))) Assert.True(has, $"row {i} missing on replica {cluster.Endpoint(n)}");
                else if (exact) Assert.False(has, $"row {i} still on {cluster.Endpoint(n)}, which is not a replica");
            }
        }
    }

    [Fact]
    public async Task A_node_joins_streams_its_ranges_and_cleanup_leaves_each_row_on_exactly_its_replicas()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        await WriteRowsAsync(cluster, table, 0, Rows);

        int joiner = await cluster.AddNodeAsync();
        await cluster[joiner].Bootstrap.WaitAsync(TimeSpan.FromSeconds(60));
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 4).All(n =>
            cluster[n].Membership.For(cluster[n].Lookup.Strategy("ks")).Ring.Members.Count == 4), TimeSpan.FromSeconds(20), "every node sees four owners");
        Assert.True(cluster[joiner].Streams.BytesReceived > 0);

        for (int i = 0; i < Rows; i++)
        {
            var result = await cluster[i % 4].Reads.ReadAsync("ks", SampleData.Partition(table, i), ConsistencyLevel.Quorum, CancellationToken.None);
            Assert.Equal($"v{i}", SampleData.Value(Assert.Single(result.Rows)));
        }
        AssertPlacement(cluster, table, 0, [0, 1, 2, 3], exact: false);
        for (int n = 0; n < 4; n++) await cluster[n].Topology.CleanupAsync("ks", "", CancellationToken.None);
        AssertPlacement(cluster, table, 0, [0, 1, 2, 3], exact: true);
    }

    [Fact]
    public async Task Decommission_streams_away_every_range_and_the_node_leaves_the_ring()
    {
        await using var cluster = await InProcessCluster.StartAsync(4);
        var table = await cluster.CreateSampleTableAsync();
        await WriteRowsAsync(cluster, table, 0, Rows);

        var result = await cluster[3].Topology.DecommissionAsync(CancellationToken.None);
        Assert.True(result.StreamedBytes > 0);
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 3).All(n =>
            cluster[n].Membership.For(cluster[n].Lookup.Strategy("ks")).Ring.Members.Count == 3), TimeSpan.FromSeconds(20), "every node sees three owners");
        await cluster.StopNodeAsync(3);
        AssertPlacement(cluster, table, 0, [0, 1, 2], exact: false);
        for (int i = 0; i < Rows; i++)
        {
            var read = await cluster[i % 3].Reads.ReadAsync("ks", SampleData.Partition(table, i), ConsistencyLevel.All, CancellationToken.None);
            Assert.Equal($"v{i}", SampleData.Value(Assert.Single(read.Rows)));
        }
    }

    [Fact]
    public async Task Removenode_restores_every_range_to_RF_copies_from_the_survivors_and_refuses_a_live_node()
    {
        await using var cluster = await InProcessCluster.StartAsync(4);
        var table = await cluster.CreateSampleTableAsync();
        await WriteRowsAsync(cluster, table, 0, Rows);
        var liveHost = cluster[2].Identity.HostId;
        var refused = await Assert.ThrowsAsync<TopologyRefusedException>(() => cluster[0].Topology.RemoveNodeAsync(liveHost, CancellationToken.None));
        Assert.True(refused.Message.Contains("is up", StringComparison.Ordinal), refused.Message);

        var deadHost = cluster[3].Identity.HostId;
        await cluster.StopNodeAsync(3);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(3), TimeSpan.FromSeconds(20), "node 3 is seen down");
        await cluster[0].Topology.RemoveNodeAsync(deadHost, CancellationToken.None);
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 3).All(n =>
            cluster[n].Membership.For(cluster[n].Lookup.Strategy("ks")).Ring.Members.Count == 3), TimeSpan.FromSeconds(20), "every node sees three owners");
        AssertPlacement(cluster, table, 0, [0, 1, 2], exact: false);
    }
}
