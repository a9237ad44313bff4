using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>The SDK against three in-process nodes serving real gRPC: token-aware routing, failover, paging.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientSdkTests
{
    private static Mutation Row(string table, long pk, int ck, string value)
    {
        var m = new Mutation { Keyspace = "ks", Table = table };
        m.PartitionKey.Add(new Value { Bigint = pk });
        var row = new RowWrite();
        row.Clustering.Add(new Value { Int = ck });
        row.Cells["v"] = new Value { Text = value };
        m.Rows.Add(row);
        return m;
    }

    private static ReadRequest Partition(string table, long pk, int limit = 0)
    {
        var r = new ReadRequest { Keyspace = "ks", Table = table, Limit = limit, Consistency = Consistency.Quorum };
        r.PartitionKey.Add(new Value { Bigint = pk });
        return r;
    }

    [Fact]
    public async Task Token_aware_requests_are_coordinated_by_a_replica_of_their_partition()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        await cluster.CreateSampleTableAsync(replicationFactor: 1, keyspace: "ks", table: "t");
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [cluster.GrpcAddress(0)] });
        Assert.Equal(3, client.Metadata.Ring.Nodes.Count);

        for (int pk = 0; pk < 60; pk++)
            await client.MutateAsync([Row("t", pk, 1, $"v{pk}")], Consistency.One);

        // RF 1: a write coordinated by the key's only replica never crosses the network, so on every node the
        // writes it coordinated equal the writes it applied as a replica, and all 60 happened somewhere.
        long coordinated = 0;
        for (int n = 0; n < 3; n++)
        {
            Assert.Equal(cluster[n].Metrics.CoordinatorWrites, cluster[n].Metrics.ReplicaWrites);
            coordinated += cluster[n].Metrics.CoordinatorWrites;
        }
        Assert.Equal(60, coordinated);
        Assert.True(Enumerable.Range(0, 3).Count(n => cluster[n].Metrics.CoordinatorWrites > 0) >= 2, "load went to one node only");

        // A hot partition shows up first in its replica's top partitions (Status).
        for (int i = 0; i < 50; i++) await client.MutateAsync([Row("t", 7, i, "hot")], Consistency.One);
        var hottest = new List<TopPartition>();
        foreach (var address in Enumerable.Range(0, 3).Select(cluster.GrpcAddress))
        {
            var status = await RingStoreClientTestAccess.StatusFromAsync(address);
            hottest.AddRange(status.Metrics.TopPartitions.Where(p => p.Kind == "write").Take(1));
        }
        var top = Assert.Single(hottest, p => p.Count >= 51);
        Assert.Equal("ks.t", top.Table);
        Assert.Equal("7", top.PartitionKey);
    }

    [Fact]
    public async Task A_stopped_node_is_skipped_and_reads_page_through_a_partition()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        await cluster.CreateSampleTableAsync();
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [cluster.GrpcAddress(0), cluster.GrpcAddress(1)],
            MetadataRefreshInterval = TimeSpan.FromMilliseconds(200),
        });
        var rows = Enumerable.Range(0, 250).Select(ck => Row("t", 42, ck, $"r{ck}")).ToList();
        await client.MutateAsync(rows, Consistency.Quorum);

        await cluster.StopNodeAsync(2);
        // Every request still succeeds at QUORUM: requests aimed at node 2 fail over to a live node.
        for (int pk = 0; pk < 30; pk++)
            await client.MutateAsync([Row("t", pk, 0, "after")], Consistency.Quorum);

        var page = Partition("t", 42, limit: 100);
        var all = new List<RingStore.Client.Row>();
        await foreach (var row in client.ReadAllAsync(page)) all.Add(row);
        Assert.Equal(250, all.Count);
        Assert.Equal(Enumerable.Range(0, 250), all.Select(r => r.Get<int>("ck")));
        Assert.Equal("r249", all[^1].Get<string>("v"));
        Assert.Equal(42L, all[0].Get<long>("pk"));
    }

    [Fact]
    public async Task Errors_carry_their_kind_and_nothing_is_written()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        await cluster.CreateSampleTableAsync();
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [cluster.GrpcAddress(0)] });

        var unknown = await Assert.ThrowsAsync<RingStoreException>(() => client.MutateAsync([Row("nope", 1, 1, "x")]));
        Assert.Equal(Core.Errors.RequestErrorKind.UnknownTable, unknown.Kind);

        var wrongType = Row("t", 1, 1, "x");
        wrongType.Rows[0].Cells["v"] = new Value { Bigint = 5 };
        var typeError = await Assert.ThrowsAsync<RingStoreException>(() => client.MutateAsync([Row("t", 1, 2, "ok"), wrongType]));
        Assert.Equal(Core.Errors.RequestErrorKind.InvalidRequest, typeError.Kind);
        Assert.Contains("'v' is text", typeError.Message, StringComparison.Ordinal);
        var read = await client.ReadAsync(Partition("t", 1));
        Assert.Empty(read.Rows); // the valid mutation of the same batch was not written either

        var missingKey = new Mutation { Keyspace = "ks", Table = "t" };
        missingKey.Rows.Add(new RowWrite());
        var keyError = await Assert.ThrowsAsync<RingStoreException>(() => client.MutateAsync([missingKey]));
        Assert.Contains("partition key", keyError.Message, StringComparison.Ordinal);
    }
}
