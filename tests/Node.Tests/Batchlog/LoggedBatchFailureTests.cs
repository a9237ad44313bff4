using RingStore.Client.Protos;
using RingStore.Node.Api;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Core.Values;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Batchlog;

/// <summary>
/// Logged batches when nodes are down, on a three-node in-process cluster with keyspace ks1 at RF 1 (each partition on
/// one node): a partition whose replica is down fails the batch with Unavailable, the batchlog entry stays, and the
/// replay writes the rest once the replica is back; with no live node for the batchlog, nothing is written at all.
/// The replay loop is slowed down (1 h) and its timeout made tiny, so the test drives each replay round itself.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LoggedBatchFailureTests
{
    private static Task<InProcessCluster> StartAsync() => InProcessCluster.StartAsync(3, (_, o) =>
    {
        o.BatchlogReplayInterval = TimeSpan.FromHours(1);
        o.BatchlogReplayTimeout = TimeSpan.FromMilliseconds(1);
    });

    private static Task<ExecuteResponse> Run(InProcessCluster cluster, int node, string cql, Consistency consistency = Consistency.One) =>
        cluster[node].Cql.ExecuteAsync(new ExecuteRequest { Statement = cql, Keyspace = "ks1", Consistency = consistency }, CancellationToken.None);

    private static async Task CreateTableAsync(InProcessCluster cluster)
    {
        await Run(cluster, 0, "CREATE KEYSPACE ks1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        await Run(cluster, 0, "CREATE TABLE fb (pk int PRIMARY KEY, v text)");
        await cluster.WaitUntilAsync(() => Enumerable.Range(0, 3).All(i => cluster[i].Schema.Current.TryGetTable("ks1", "fb", out _)),
            TimeSpan.FromSeconds(10), "every node has ks1.fb");
    }

    /// <summary>The first key from 1 up whose only replica (RF 1) is node <paramref name="owner"/>.</summary>
    private static int KeyOwnedBy(InProcessCluster cluster, int owner)
    {
        var pk = new[] { new ColumnDefinition("pk", ColumnType.Int) };
        for (int k = 1; ; k++)
            if (cluster[0].Lookup.For("ks1", PartitionKeyCodec.Serialize(pk, [k])).Natural.Single().Endpoint == cluster.Endpoint(owner)) return k;
    }

    private static async Task<string?> ValueAsync(InProcessCluster cluster, int node, int key)
    {
        var rows = (await Run(cluster, node, $"SELECT v FROM fb WHERE pk = {key}")).Rows;
        return rows.Count == 0 ? null : rows[0].Values[0].Text;
    }

    [Fact]
    public async Task A_partition_with_its_replica_down_fails_the_batch_and_the_replay_completes_it_once_the_replica_is_back()
    {
        await using var cluster = await StartAsync();
        await CreateTableAsync(cluster);
        int onNode1 = KeyOwnedBy(cluster, 1), onNode2 = KeyOwnedBy(cluster, 2);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(2), TimeSpan.FromSeconds(10), "node 2 is seen down");

        await Assert.ThrowsAsync<UnavailableException>(() => Run(cluster, 0,
            $"BEGIN BATCH INSERT INTO fb (pk, v) VALUES ({onNode1}, 'first'); INSERT INTO fb (pk, v) VALUES ({onNode2}, 'second'); APPLY BATCH"));

        // Only node 1 is alive to keep the batchlog; the partition on node 1 was written, the one on node 2 could not be.
        Assert.Equal(1, cluster[1].Batchlog.Count());
        Assert.Equal("first", await ValueAsync(cluster, 0, onNode1));
        // While node 2 is down the replay cannot write its partition at ONE: the entry stays.
        Assert.Equal(0, await cluster[1].BatchlogReplay.ReplayDueAsync(CancellationToken.None));
        Assert.Equal(1, cluster[1].Batchlog.Count());

        await cluster.StartNodeAsync(2);
        await cluster.WaitUntilAsync(cluster.AllSeeAllUp, TimeSpan.FromSeconds(20), "node 2 is back");
        // Node 1 may still see node 2 down for a moment (its own gossip view): poll rounds until one replays the entry.
        int replayed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && (replayed = await cluster[1].BatchlogReplay.ReplayDueAsync(CancellationToken.None)) == 0)
            await Task.Delay(100);

        Assert.Equal(1, replayed);
        Assert.Equal(0, cluster[1].Batchlog.Count());
        Assert.Equal("second", await ValueAsync(cluster, 0, onNode2));
        Assert.Equal("first", await ValueAsync(cluster, 2, onNode1));
    }

    [Fact]
    public async Task With_no_live_node_for_the_batchlog_the_batch_is_Unavailable_and_writes_nothing()
    {
        await using var cluster = await StartAsync();
        await CreateTableAsync(cluster);
        int onNode0 = KeyOwnedBy(cluster, 0);
        int other = Enumerable.Range(onNode0 + 1, 1000).First(k => KeyOwnedBy0(cluster, k));
        await cluster.StopNodeAsync(1);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster[0].Membership.Members.Count(m => m.IsAlive) == 1, TimeSpan.FromSeconds(10), "node 0 sees the others down");

        var error = await Assert.ThrowsAsync<UnavailableException>(() => Run(cluster, 0,
            $"BEGIN BATCH INSERT INTO fb (pk, v) VALUES ({onNode0}, 'x'); INSERT INTO fb (pk, v) VALUES ({other}, 'y'); APPLY BATCH"));

        Assert.Equal(2, error.Required);
        Assert.Equal(0, error.Alive);
        // Both partitions live on node 0, which is up: without the batchlog refusal they would have been written.
        Assert.Null(await ValueAsync(cluster, 0, onNode0));
        Assert.Null(await ValueAsync(cluster, 0, other));
        await Run(cluster, 0, $"BEGIN UNLOGGED BATCH INSERT INTO fb (pk, v) VALUES ({onNode0}, 'x'); INSERT INTO fb (pk, v) VALUES ({other}, 'y'); APPLY BATCH");
        Assert.Equal("y", await ValueAsync(cluster, 0, other));
    }

    private static bool KeyOwnedBy0(InProcessCluster cluster, int key) =>
        cluster[0].Lookup.For("ks1", PartitionKeyCodec.Serialize([new ColumnDefinition("pk", ColumnType.Int)], [key])).Natural.Single().Endpoint == cluster.Endpoint(0);
}
