using RingStore.Node.Tests.Cluster;
using RingStore.Node.Topology;

namespace RingStore.Node.Tests.Topology;

/// <summary>
/// A node whose data directory was wiped and that is started again at the same address (so with a new identity)
/// refuses to start and points to --replace, instead of joining with a new host id and new tokens (issue 21 item 4).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WipedNodeRestartTests
{
    [Fact]
    public async Task Wiped_node_at_the_same_address_refuses_to_start_and_the_ring_keeps_the_old_host()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.CreateSampleTableAsync(replicationFactor: 3);
        Guid old = cluster[2].Identity.HostId;
        string address = cluster.Endpoint(2);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(10), "node 2 is seen down");
        Directory.Delete(cluster.Options[2].DataDirectory, recursive: true);

        for (int attempt = 0; attempt < 2; attempt++) // refused again: the refused start keeps no identity
        {
            var refused = await Assert.ThrowsAsync<TopologyRefusedException>(() => cluster.StartNodeAsync(2));
            Assert.Equal(TopologyOperations.AddressTakenMessage(address, old), refused.Message);
            Assert.StartsWith($"{address} belongs to host {old:D} in the ring; this node has a new, empty data directory. Start it with --replace {old:D}",
                refused.Message, StringComparison.Ordinal);
            Assert.False(cluster.IsRunning(2));
        }

        await Task.Delay(cluster.Options[0].GossipInterval * 5);
        foreach (int i in new[] { 0, 1 })
        {
            var member = cluster[i].Membership.Find(address);
            Assert.NotNull(member);
            Assert.Equal(old, member.HostId);
            Assert.NotEmpty(member.Tokens);
        }
    }
}
