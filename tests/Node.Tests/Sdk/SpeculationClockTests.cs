using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using RingStore.Client;
using RingStore.Client.Policies;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>
/// The SDK's speculative attempt is timed on <see cref="RingStoreClientOptions.TimeProvider"/>: with the first attempt
/// stuck on a frozen node (accepts TCP, never answers), the second attempt goes out when virtual time reaches the delay,
/// and not before. The delay is an hour, so a speculation timed on the wall clock would never fire in this test.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SpeculationClockTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromHours(1);

    [Fact]
    public async Task The_speculative_attempt_fires_when_virtual_time_reaches_the_delay()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, withGrpc: true);
        await cluster.CreateSampleTableAsync(replicationFactor: 1);
        using var frozen = new TcpListener(IPAddress.Loopback, 0);
        frozen.Start();
        string frozenAddress = $"127.0.0.1:{((IPEndPoint)frozen.LocalEndpoint).Port}";
        string live = cluster.GrpcAddress(0);
        // Starts at the wall-clock time: gRPC measures the unary deadlines the SDK computes on this clock on its own clock.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [live, frozenAddress],
            SpeculativeExecution = new SpeculativeExecutionOptions { Delay = Delay },
            TimeProvider = time,
        });

        // Literal values carry no token: the plan rotates over both nodes. Requests that happen to go to the live node
        // first answer at once; the first one sent to the frozen node is the one under test.
        for (int i = 0; i < 6; i++)
        {
            long liveBefore = client.RequestsPerNode.GetValueOrDefault(live);
            long frozenBefore = client.RequestsPerNode.GetValueOrDefault(frozenAddress);
            var insert = client.ExecuteAsync(new SimpleStatement($"INSERT INTO ks.t (pk, ck, v) VALUES ({i}, 1, 'v')")
            {
                // Past the delay: the frozen attempt's deadline (swept on the same virtual clock) must not expire first.
                Timeout = Delay * 2,
                Consistency = Consistency.Quorum, // at ONE the SDK keeps the partition's coordinator and does not speculate
            });
            await WaitUntil(() => insert.IsCompleted || client.RequestsPerNode.GetValueOrDefault(frozenAddress) > frozenBefore);
            if (client.RequestsPerNode.GetValueOrDefault(frozenAddress) == frozenBefore)
            {
                await insert; // went to the live node first
                continue;
            }

            await AssertStillRunning(insert, "answered without the speculative attempt");
            time.Advance(Delay - TimeSpan.FromSeconds(1));
            await AssertStillRunning(insert, "speculated before the virtual delay");
            Assert.Equal(liveBefore, client.RequestsPerNode.GetValueOrDefault(live));

            time.Advance(TimeSpan.FromSeconds(1));
            await insert.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(liveBefore + 1, client.RequestsPerNode.GetValueOrDefault(live));
            return;
        }
        Assert.Fail("no request went to the frozen node first");
    }

    private static async Task AssertStillRunning(Task task, string message) =>
        Assert.False(await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(500))) == task, message);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
    }
}
