using RingStore.Core.Consistency;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Gossip.Ring;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Topology;

/// <summary>
/// The two protections of a join that the load tests cannot see, because a QUORUM read through the surviving
/// replicas still answers: writes during the join also go to the joiner (pending ranges), and the joiner streams
/// each range from the replica that loses it (consistent range movement). Both are checked by reading each node's
/// engine directly against the ring the cluster ends with.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RangeMovementConsistencyTests
{
    private static readonly string Padding = new('x', 500);

    private static string ValueOf(int i) => $"v{i}-{Padding}";

    private static RingSnapshot RingOf(InProcessCluster cluster, int observer) =>
        cluster[observer].Membership.For(cluster[observer].Lookup.Strategy("ks")).Ring;

    private static IEnumerable<int> ReplicasOf(InProcessCluster cluster, TableSchema table, int observer, int row)
    {
        var strategy = cluster[observer].Lookup.Strategy("ks");
        var token = Murmur3Partitioner.GetToken(SampleData.Key(table, row));
        var endpoints = RingOf(cluster, observer).GetNaturalReplicas(token, strategy).Select(n => n.Endpoint).ToHashSet();
        return Enumerable.Range(0, cluster.Count).Where(n => cluster.IsRunning(n) && endpoints.Contains(cluster.Endpoint(n)));
    }

    private static bool Has(InProcessCluster cluster, TableSchema table, int node, int row) =>
        cluster[node].Engine.Read(SampleData.Partition(table, row)).Rows.Count == 1;

    /// <summary>
    /// Rows written while the joiner streams (slowly, throttled) land in ranges it has already received; only the
    /// pending-range writes bring them to it. Every row must end on every replica of the final ring, joiner included.
    /// </summary>
    [Fact]
    public async Task Writes_during_a_join_reach_the_joiner_for_ranges_it_has_already_streamed()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        const int before = 300;
        for (int i = 0; i < before; i++)
            await cluster[i % 3].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, ValueOf(i)), ConsistencyLevel.Quorum, CancellationToken.None);

        // About 20 KB/s: the joiner's ~110 KB take several seconds, long enough for writes to follow finished ranges.
        int joiner = await cluster.AddNodeAsync(o => o.StreamThroughputMiBPerSecond = 0.02);
        await cluster.WaitUntilAsync(() => cluster[joiner].Streams.BytesReceived > 0 || cluster[joiner].Bootstrap.IsCompleted,
            TimeSpan.FromSeconds(90), "the joiner starts streaming");
        int written = before;
        while (!cluster[joiner].Bootstrap.IsCompleted && written < before + 2000)
        {
            int i = written++;
            await cluster[i % 3].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, ValueOf(i)), ConsistencyLevel.Quorum, CancellationToken.None);
        }
        await cluster[joiner].Bootstrap.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(written > before + 20, $"only {written - before} writes happened during the join; the window was too short to test anything");
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 4).All(n => RingOf(cluster, n).Members.Count == 4),
            TimeSpan.FromSeconds(30), "every node sees four owners");

        var missing = new List<string>();
        int onJoiner = 0;
        for (int i = 0; i < written; i++)
        {
            foreach (int n in ReplicasOf(cluster, table, 0, i))
            {
                if (!Has(cluster, table, n, i)) missing.Add($"row {i} on node {n}{(n == joiner ? " (joiner)" : "")}{(i >= before ? " written during the join" : "")}");
                else if (n == joiner && i >= before) onJoiner++;
            }
        }
        Assert.True(missing.Count == 0, $"{missing.Count} copies missing: {string.Join("; ", missing.Take(10))}");
        Assert.True(onJoiner > 0);
    }

    /// <summary>
    /// Rows written at QUORUM while node 2 was down (their hints dropped) exist on nodes 0 and 1 only. A joiner
    /// that streamed a range from node 2 instead of the node losing it would leave such a row on one replica of the
    /// new ring, where a QUORUM read can miss it. With consistent range movement, every row is on at least two.
    /// </summary>
    [Fact]
    public async Task A_join_streams_from_the_losing_replica_so_quorum_writes_keep_a_quorum_of_copies()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var table = await cluster.CreateSampleTableAsync();
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(30), "node 2 is seen down");
        const int rows = 400;
        for (int i = 0; i < rows; i++)
            await cluster[i % 2].Writes.WriteAsync("ks", SampleData.Upsert(table, i, 1, ValueOf(i)), ConsistencyLevel.Quorum, CancellationToken.None);
        // Drop the hints for node 2 (as after a hint window): the rows stay on nodes 0 and 1 only.
        Guid downHost = cluster[0].Membership.Find(cluster.Endpoint(2))!.HostId;
        for (int n = 0; n < 2; n++) await cluster[n].Hints.DeleteAllAsync(downHost);
        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(30), "node 2 is back up everywhere");
        Assert.Equal(0, Enumerable.Range(0, rows).Count(i => Has(cluster, table, 2, i))); // really missing there

        int joiner = await cluster.AddNodeAsync();
        await cluster[joiner].Bootstrap.WaitAsync(TimeSpan.FromSeconds(120));
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 4).All(n => RingOf(cluster, n).Members.Count == 4),
            TimeSpan.FromSeconds(30), "every node sees four owners");

        var thin = new List<string>();
        for (int i = 0; i < rows; i++)
        {
            var holders = ReplicasOf(cluster, table, 0, i).Where(n => Has(cluster, table, n, i)).ToList();
            if (holders.Count < 2) thin.Add($"row {i} on [{string.Join(",", holders)}]");
        }
        Assert.True(thin.Count == 0, $"{thin.Count} QUORUM-acknowledged rows are left on fewer than two replicas: {string.Join("; ", thin.Take(10))}");
    }
}
