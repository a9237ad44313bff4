using RingStore.Core.Consistency;
using RingStore.Core.Errors;

namespace RingStore.Node.Tests.Cluster;

/// <summary>A replica that answers writes with an error makes an ALL write a WriteFailure with the true counts.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WriteFailureClusterTests
{
    [Fact]
    public async Task A_replica_failing_writes_makes_ALL_a_WriteFailure_with_two_acks_and_QUORUM_still_succeeds()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        // Node 2's engine loses the table (a stand-in for a replica whose disk fails every write): it answers with an error.
        cluster[2].Engine.DropTable(table.FullName);

        var failure = await Assert.ThrowsAsync<WriteFailureException>(() =>
            cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 1, 1, "x"), ConsistencyLevel.All, CancellationToken.None));
        Assert.Equal(2, failure.Received);
        Assert.Equal(3, failure.BlockFor);
        Assert.Equal(cluster.Endpoint(2), Assert.Single(failure.Failures).Key);

        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 2, 1, "y"), ConsistencyLevel.Quorum, CancellationToken.None);
        for (int n = 0; n < 2; n++)
            Assert.Single(cluster[n].Engine.Read(SampleData.Partition(table, 2)).Rows);
    }
}

/// <summary>The data-disk-usage guardrail on a real in-process cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DiskUsageGuardrailClusterTests
{
    [Fact]
    public async Task A_write_to_a_replica_over_the_fail_threshold_is_refused_before_anything_is_written()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, (_, o) => o.DataDiskUsageFailPercent = 95);
        var table = await cluster.CreateSampleTableAsync();
        // Node 2 reports a 99 % full data disk (what its disk monitor would gossip).
        cluster[2].Gossip.SetState(RingStore.Gossip.State.ApplicationState.DiskUsage, "99");
        await cluster.WaitUntilAsync(() => cluster[0].Membership.Find(cluster.Endpoint(2))?.State.Get(RingStore.Gossip.State.ApplicationState.DiskUsage) == "99",
            TimeSpan.FromSeconds(20), "node 0 hears node 2's disk usage");

        var refused = await Assert.ThrowsAsync<DiskUsageExceededException>(() =>
            cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 1, 1, "x"), ConsistencyLevel.One, CancellationToken.None));
        Assert.Equal(cluster.Endpoint(2), refused.Replica);
        for (int n = 0; n < 3; n++) Assert.Empty(cluster[n].Engine.Read(SampleData.Partition(table, 1)).Rows);
    }
}
