using System.Net;
using System.Net.Sockets;
using RingStore.Client;
using RingStore.Client.Policies;
using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// The SDK at the edges, against a real in-process cluster: a frozen node (a port that accepts TCP but never answers,
/// as a SIGSTOPped process does) and dead nodes (ports that refuse).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailureEdgesSdkTests
{
    [Fact]
    public async Task Idempotent_requests_to_a_frozen_node_are_speculated_to_another_node_and_non_idempotent_ones_never_sent_twice()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, withGrpc: true);
        await cluster.CreateSampleTableAsync(replicationFactor: 1);
        using var frozen = new TcpListener(IPAddress.Loopback, 0); // accepts connections (kernel backlog), never speaks
        frozen.Start();
        string frozenAddress = $"127.0.0.1:{((IPEndPoint)frozen.LocalEndpoint).Port}";
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [cluster.GrpcAddress(0), frozenAddress],
            SpeculativeExecution = new SpeculativeExecutionOptions { Delay = TimeSpan.FromMilliseconds(50) },
        });

        // Literal values: no token, so the plan rotates over both nodes and about half the requests go to the frozen one first.
        for (int i = 0; i < 20; i++)
            await client.ExecuteAsync(new SimpleStatement($"INSERT INTO ks.t (pk, ck, v) VALUES ({i}, 1, 'v')")
            {
                Timeout = TimeSpan.FromSeconds(30),
                Consistency = Consistency.Quorum, // at ONE the SDK keeps the partition's coordinator (read-your-writes) and does not speculate
            });
        Assert.True(client.RequestsPerNode.GetValueOrDefault(frozenAddress) > 0, "no request tried the frozen node first");
        var rows = await client.ExecuteAsync(new SimpleStatement("SELECT * FROM ks.t") { Consistency = Consistency.Quorum });
        Assert.Equal(20, rows.Rows.Count);

        // Not idempotent: whichever node comes first gets the only attempt. Sent to the frozen node, it waits out its
        // deadline and fails as "may have been applied" with one attempt; it never reaches the live node.
        long liveBefore = client.RequestsPerNode.GetValueOrDefault(cluster.GrpcAddress(0));
        long frozenBefore = client.RequestsPerNode.GetValueOrDefault(frozenAddress);
        int failed = 0;
        for (int i = 100; i < 104; i++)
        {
            try
            {
                await client.ExecuteAsync(new SimpleStatement($"INSERT INTO ks.t (pk, ck, v) VALUES ({i}, 1, 'once')")
                {
                    IsIdempotent = false,
                    Timeout = TimeSpan.FromSeconds(1),
                    Consistency = Consistency.Quorum,
                });
            }
            catch (RingStoreException e)
            {
                failed++;
                Assert.Equal(RequestErrorKind.WriteTimeout, e.Kind);
                Assert.Equal(frozenAddress, Assert.Single(e.Attempts).Node);
            }
        }
        long sent = client.RequestsPerNode.GetValueOrDefault(cluster.GrpcAddress(0)) - liveBefore
            + client.RequestsPerNode.GetValueOrDefault(frozenAddress) - frozenBefore;
        Assert.Equal(4, sent); // one attempt each, never two
        Assert.Equal(failed, client.RequestsPerNode.GetValueOrDefault(frozenAddress) - frozenBefore);
    }

    [Fact]
    public async Task A_definite_Unavailable_stays_definite_when_the_retry_finds_dead_nodes()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        await cluster.CreateSampleTableAsync(replicationFactor: 3);
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [cluster.GrpcAddress(0)] });
        await cluster.StopNodeAsync(1);
        await cluster.StopNodeAsync(2);
        await cluster.WaitUntilAsync(() => cluster.AllSeeDown(1) && cluster.AllSeeDown(2), TimeSpan.FromSeconds(30), "node 0 sees 1 and 2 down");

        // Node 0 answers Unavailable (one replica of three alive); the other nodes' ports refuse (the client may try them
        // first or as the retry, depending on whether its ring view has caught up).
        var error = await Assert.ThrowsAsync<RingStoreException>(() => client.ExecuteAsync(
            new SimpleStatement("INSERT INTO ks.t (pk, ck, v) VALUES (1, 1, 'x')") { Consistency = Consistency.Quorum }));
        Assert.Equal(RequestErrorKind.Unavailable, error.Kind);
        Assert.Equal((2, 1), (error.Required, error.Alive));
        Assert.True(error.Attempts.Count >= 2, string.Join("; ", error.Attempts));
        Assert.Contains(error.Attempts, a => a.Outcome == AttemptOutcome.Unavailable);
        Assert.Contains(error.Attempts, a => a.Outcome == AttemptOutcome.RefusedBeforeSending);
        Assert.All(error.Attempts, a => Assert.True(a.WroteNothing, a.ToString()));
        Assert.Empty(cluster[0].Engine.Read(SampleData.Partition(cluster[0].Schema.Current.TryGetTable("ks", "t", out var t) ? t! : null!, 1)).Rows);
    }
}
