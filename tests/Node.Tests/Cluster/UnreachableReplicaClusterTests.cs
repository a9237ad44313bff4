using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Node.Messaging;

namespace RingStore.Node.Tests.Cluster;

/// <summary>
/// Replicas whose internode port refuses connections while gossip still calls them alive (the seconds before the
/// failure detector convicts a killed node): the coordinator plans them as down from what its connection pool knows.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UnreachableReplicaClusterTests
{
    [Fact]
    public async Task Two_refusing_replicas_make_QUORUM_Unavailable_before_anything_is_written_and_ONE_hints_them()
    {
        // Node 0 never convicts (phi threshold out of reach) and stops listening to gossip (the shutdown announcement
        // and the STATUS=shutdown the others spread): it keeps seeing nodes 1 and 2 alive after they stop, exactly as
        // in the window before its failure detector convicts a SIGKILLed node.
        // Node 0's timeouts are generous: the ONE write below waits for its local apply (a commit-log sync), which on a
        // machine loaded by builds took over the cluster's 2 s in 6 of 8 runs; Unavailable does not depend on them.
        await using var cluster = await InProcessCluster.StartAsync(3, (i, o) =>
        {
            if (i != 0) return;
            o.PhiConvictThreshold = 1e12;
            o.WriteTimeout = o.ReadTimeout = TimeSpan.FromSeconds(30);
        });
        var table = await cluster.CreateSampleTableAsync();
        var node = cluster[0];
        foreach (var verb in new[] { Verb.GossipSyn, Verb.GossipAck, Verb.GossipAck2, Verb.GossipShutdown })
            node.Messaging.RegisterHandler(verb, new IgnoreHandler());
        await cluster.StopNodeAsync(1);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => node.Messaging.IsKnownUnreachable(PeerAddress.Parse(cluster.Endpoint(1)))
            && node.Messaging.IsKnownUnreachable(PeerAddress.Parse(cluster.Endpoint(2))),
            TimeSpan.FromSeconds(30), "node 0's connections to nodes 1 and 2 are refused");
        Assert.True(node.Membership.Find(cluster.Endpoint(1))?.IsAlive);
        Assert.True(node.Membership.Find(cluster.Endpoint(2))?.IsAlive);

        var unavailable = await Assert.ThrowsAsync<UnavailableException>(() =>
            node.Writes.WriteAsync("ks", SampleData.Upsert(table, 1, 1, "x"), ConsistencyLevel.Quorum, CancellationToken.None));
        Assert.Equal(2, unavailable.Required);
        Assert.Equal(1, unavailable.Alive);
        // Definite: not even the coordinator's own replica applied it, and no hint will apply it later.
        Assert.Empty(node.Engine.Read(SampleData.Partition(table, 1)).Rows);
        Assert.Equal(0, node.Hints.StoredCount);

        await Assert.ThrowsAsync<UnavailableException>(() =>
            node.Reads.ReadAsync("ks", SampleData.Partition(table, 1), ConsistencyLevel.Quorum, CancellationToken.None));

        // A level the live replica can meet succeeds, and each refusing replica gets a hint at once.
        await node.Writes.WriteAsync("ks", SampleData.Upsert(table, 2, 1, "y"), ConsistencyLevel.One, CancellationToken.None);
        Assert.Single(node.Engine.Read(SampleData.Partition(table, 2)).Rows);
        // The hints are stored beside the answer, not before it (the ONE ack needs only the local replica): poll.
        await cluster.WaitUntilAsync(() => node.Hints.StoredCount == 2, TimeSpan.FromSeconds(30), "both refusing replicas hinted");
        Assert.Equal(2, node.Hints.StoredCount);
    }

    private sealed class IgnoreHandler : IVerbHandler
    {
        public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
    }
}
