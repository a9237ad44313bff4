using System.Net;
using System.Net.Sockets;
using RingStore.Client;
using RingStore.Client.Policies;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// A frozen coordinator that keeps losing to speculative attempts must move to the back of the plan: its overtaken
/// attempts are sampled with their own wait (speculative delay + the winner's time), so its average climbs although it
/// never answers. (Sampled with the winner's latency instead, it stayed as fast as the live node and kept getting a
/// share of the first attempts, each paying the speculative delay: `bench node-failure --pause` found this.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OvertakenNodeOrderTests
{
    [Fact]
    public async Task A_frozen_node_overtaken_by_speculation_is_tried_first_only_until_its_average_climbs()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, withGrpc: true);
        await cluster.CreateSampleTableAsync(replicationFactor: 1);
        using var frozen = new TcpListener(IPAddress.Loopback, 0); // accepts connections (kernel backlog), never speaks
        frozen.Start();
        string frozenAddress = $"127.0.0.1:{((IPEndPoint)frozen.LocalEndpoint).Port}";
        const int samplesToTrust = 5;
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [cluster.GrpcAddress(0), frozenAddress],
            // 200 ms: far above the live node's latency even on a loaded machine, so "2x the best" holds by a margin.
            SpeculativeExecution = new SpeculativeExecutionOptions { Delay = TimeSpan.FromMilliseconds(200) },
            // A long retry period: the whole test runs inside it, so a slow node is not put back to be probed.
            LatencyAware = new LatencyAwareOptions { MinimumSamples = samplesToTrust, RetryPeriod = TimeSpan.FromMinutes(5) },
        });

        // Literal values at QUORUM: no token, so the plan rotates over both nodes and half the first attempts would
        // go to the frozen node if nothing reordered them.
        const int requests = 60;
        for (int i = 0; i < requests; i++)
            await client.ExecuteAsync(new SimpleStatement($"INSERT INTO ks.t (pk, ck, v) VALUES ({i}, 1, 'v')")
            {
                Timeout = TimeSpan.FromSeconds(30),
                Consistency = Consistency.Quorum,
            });

        // The frozen node gets a first attempt until it has enough (overtaken) samples to be judged, then none.
        long frozenFirst = client.RequestsPerNode.GetValueOrDefault(frozenAddress);
        Assert.InRange(frozenFirst, samplesToTrust, samplesToTrust + 3);
    }
}
