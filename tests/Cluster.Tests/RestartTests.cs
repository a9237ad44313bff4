using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>A clean stop (SIGTERM) and restart of one node process: peers hear the goodbye, and the node comes back as itself.</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class RestartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private void Step(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

    private const string Keyspace = "restart";
    private const int Stopped = 2;

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_is_marked_down_by_its_announcement_and_returns_with_its_host_id_tokens_and_data()
    {
        await using var cluster = await ProcessCluster.StartAsync(3);
        Step("cluster up");
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        await cluster.Client(0).MutateAsync(KvTable.Write(Keyspace, 1, "before the stop", 1, Consistency.All), ProcessCluster.Call());
        var before = await cluster.DescribeAsync(0, Stopped) ?? throw new InvalidOperationException("node 2 not in the ring");
        Assert.NotEmpty(before.Tokens);

        Step("schema and data in; SIGTERM node 2");
        await cluster.StopAsync(Stopped);
        Step("node 2 exited");

        Assert.False(cluster.Node(Stopped).IsRunning);
        Assert.Contains($"Node {cluster.Node(Stopped).Options.InternodeEndpoint} stopped", cluster.Log(Stopped), StringComparison.Ordinal);
        // STATUS=shutdown can only come from the node's own announcement: failure-detector conviction leaves it NORMAL.
        foreach (int observer in new[] { 0, 1 })
        {
            await ProcessCluster.WaitUntilAsync(async () => await cluster.DescribeAsync(observer, Stopped) is { Liveness: "DOWN", Status: "shutdown" },
                $"node{observer} sees node 2 DOWN with STATUS shutdown", TimeSpan.FromSeconds(10));
        }

        Step("peers saw the shutdown; restarting node 2");
        await cluster.RestartAsync(Stopped, expectedUp: 3);
        Step("node 2 sees all three up");

        foreach (int observer in new[] { 0, 1, Stopped })
        {
            // Node 2 being ready means it sees the others; each peer marks it UP on its next gossip round.
            await ProcessCluster.WaitUntilAsync(async () => await cluster.DescribeAsync(observer, Stopped) is { Liveness: "UP" },
                $"node{observer} sees node 2 UP again", TimeSpan.FromSeconds(10));
            var after = await cluster.DescribeAsync(observer, Stopped) ?? throw new InvalidOperationException($"node{observer} lost node 2");
            Assert.Equal(before.HostId, after.HostId);
            Assert.Equal(before.Tokens, after.Tokens);
            Assert.Equal("UP", after.Liveness);
            Assert.Equal("NORMAL", after.Status);
        }
        // Its data survived the clean stop: at ALL the restarted node must answer too.
        var read = await cluster.Client(Stopped).ReadAsync(KvTable.Read(Keyspace, 1, Consistency.All), ProcessCluster.Call());
        Assert.Equal("before the stop", KvTable.Value(read));
    }
}
