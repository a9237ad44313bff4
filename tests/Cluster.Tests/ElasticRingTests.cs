using Grpc.Core;
using RingStore.Client.Protos;
using Xunit.Abstractions;

namespace RingStore.Cluster.Tests;

/// <summary>
/// The elastic ring on real node processes, real TCP and files, under a QUORUM load: a node joins, one decommissions,
/// a SIGKILLed one is removed or replaced. Each must fail no request and lose no acknowledged write; refusals are
/// FAILED_PRECONDITION with a reason. (Exact placement after cleanup, read from each node's engine, is checked by
/// the in-process ElasticRingInProcessTests; here the check is through the API.)
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ElasticRingTests(ITestOutputHelper output)
{
    private const string Keyspace = "elastic";
    private static readonly TimeSpan TopologyPatience = TimeSpan.FromMinutes(3);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private void Step(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0} s  {what}");

    private static async Task WaitForAcksAsync(WriteLoad load, int count, string what) =>
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(load.AcknowledgedCount >= count || load.Failures.Count > 0), what, TopologyPatience);

    private static async Task<string?> StatusSeenBy(RingStoreApi.RingStoreApiClient observer, string endpoint)
    {
        var ring = await observer.DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
        return ring.Nodes.FirstOrDefault(n => n.Endpoint == endpoint)?.Status;
    }

    private static Task WaitUntilAllSeeAsync(ProcessCluster cluster, IEnumerable<int> observers, string endpoint, string status) =>
        ProcessCluster.WaitUntilAsync(async () =>
        {
            foreach (int o in observers)
            {
                if (await StatusSeenBy(cluster.Client(o), endpoint) != status) return false;
            }
            return true;
        }, $"every node sees {endpoint} as {status}", TopologyPatience);

    /// <summary>Every acknowledged write reads back at QUORUM through each of the given coordinators in turn.</summary>
    private static async Task AssertEveryAcknowledgedWriteReadableAsync(ProcessCluster cluster, WriteLoad load, int[] coordinators)
    {
        var missing = new List<string>();
        int i = 0;
        foreach (var (key, value) in load.Acknowledged)
        {
            var client = cluster.Client(coordinators[i++ % coordinators.Length]);
            var read = await client.ReadAsync(KvTable.Read(Keyspace, key, Consistency.Quorum), ProcessCluster.Call(20));
            if (KvTable.Value(read) != value) missing.Add($"key {key}: expected {value}, read {KvTable.Value(read) ?? "nothing"}");
        }
        Assert.True(missing.Count == 0, $"{missing.Count} of {load.Acknowledged.Count} acknowledged writes not read back:\n{string.Join("\n", missing.Take(20))}");
    }

    private static async Task<ProcessCluster> StartLoadedClusterAsync(int nodes)
    {
        var cluster = await ProcessCluster.StartAsync(nodes);
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        return cluster;
    }

    private void AssertNoFailures(WriteLoad load)
    {
        output.WriteLine($"acknowledged {load.AcknowledgedCount} writes, {load.ReadsChecked} QUORUM reads checked");
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} requests failed:\n{string.Join("\n", load.Failures.Take(20))}");
    }

    [Fact]
    public async Task A_node_joins_under_load_with_no_failed_request_and_no_lost_write()
    {
        await using var cluster = await StartLoadedClusterAsync(3);
        var load = new WriteLoad(cluster, Keyspace, workers: 6, maxWritesPerWorker: 100_000);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        using var joiner = new ExtraNode(cluster, "joiner");
        try
        {
            await WaitForAcksAsync(load, 600, "data before the join");
            Step($"{load.AcknowledgedCount} acked; starting a fourth node");
            joiner.Start();
            await WaitUntilAllSeeAsync(cluster, [0, 1, 2], joiner.Endpoint, "NORMAL");
            int atJoin = load.AcknowledgedCount;
            Step($"{atJoin} acked; the fourth node is NORMAL");
            await WaitForAcksAsync(load, atJoin + 300, "load after the join");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        AssertNoFailures(load);
        var netstats = await joiner.Client.NetstatsAsync(new NetstatsRequest(), ProcessCluster.Call());
        Assert.Equal("NORMAL", netstats.Mode);
        Assert.Contains(netstats.Sessions, s => s.Direction == "in" && s.Operation == "bootstrap" && s.BytesDone > 0 && s.State == "done");
        var status = await cluster.Client(0).StatusAsync(new StatusRequest { Keyspace = Keyspace }, ProcessCluster.Call());
        Assert.Equal(4, status.Nodes.Count(n => n.Node.Status == "NORMAL" && n.Node.Liveness == "UP"));

        for (int n = 0; n < 3; n++)
        {
            var cleaned = await cluster.Client(n).CleanupAsync(new CleanupRequest { Keyspace = Keyspace }, ProcessCluster.Call(60));
            Step($"cleanup node {n}: {cleaned.BytesBefore} -> {cleaned.BytesAfter} bytes, {cleaned.PartitionsDropped} partitions dropped");
            Assert.True(cleaned.PartitionsDropped > 0, "each original node handed ranges to the joiner and drops them");
        }
        await AssertEveryAcknowledgedWriteReadableAsync(cluster, load, [0, 1, 2]);
    }

    [Fact]
    public async Task Decommission_under_load_streams_away_and_the_node_exits_with_no_lost_write_and_refusals_are_clear()
    {
        await using var cluster = await StartLoadedClusterAsync(4);
        var load = new WriteLoad(cluster, Keyspace, workers: 6, maxWritesPerWorker: 100_000);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        TopologyResponse result;
        try
        {
            await WaitForAcksAsync(load, 600, "data before the decommission");
            Step($"{load.AcknowledgedCount} acked; decommissioning node 3");
            result = await cluster.Client(3).DecommissionAsync(new DecommissionRequest(), ProcessCluster.Call(TopologyPatience.TotalSeconds));
            Step(result.Message);
            await ProcessCluster.WaitUntilAsync(() => Task.FromResult(!cluster.Node(3).IsRunning), "the decommissioned node exits", TopologyPatience);
            load.Routing.Failed(3);
            int after = load.AcknowledgedCount;
            await WaitForAcksAsync(load, after + 300, "load after the decommission");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        AssertNoFailures(load);
        Assert.True(result.StreamedBytes > 0);
        // LEFT, or already forgotten after the quarantine delay on a slow machine.
        Assert.True(await StatusSeenBy(cluster.Client(0), cluster.Node(3).Options.InternodeEndpoint) is "LEFT" or null);

        // Three nodes left with RF 3: one more decommission would leave two copies.
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await cluster.Client(2).DecommissionAsync(new DecommissionRequest(), ProcessCluster.Call(30)));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("needs 3 replicas", refused.Status.Detail, StringComparison.Ordinal);
        // A decommissioned node does not start on its old directory.
        cluster.Node(3).Start(LocalCluster.NodeBinary.Locate());
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(!cluster.Node(3).IsRunning), "the decommissioned node refuses to start", TopologyPatience);
        Assert.Contains("was decommissioned", NodeLog(cluster, 3), StringComparison.Ordinal);
        await AssertEveryAcknowledgedWriteReadableAsync(cluster, load, [0, 1, 2]);
    }

    private static string NodeLog(ProcessCluster cluster, int index) => LocalCluster.NodeProcess.Tail(cluster.Node(index).LogPath, 200);

    [Fact]
    public async Task Removenode_of_a_SIGKILLed_node_restores_RF_copies_and_the_removed_node_is_refused_when_it_returns()
    {
        await using var cluster = await StartLoadedClusterAsync(4);
        var load = new WriteLoad(cluster, Keyspace, workers: 6, maxWritesPerWorker: 100_000);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        string hostId = (await cluster.DescribeAsync(0, 3))!.HostId;
        try
        {
            await WaitForAcksAsync(load, 600, "data before the kill");
            var live = await Assert.ThrowsAsync<RpcException>(async () =>
                await cluster.Client(0).RemoveNodeAsync(new RemoveNodeRequest { HostId = hostId }, ProcessCluster.Call(30)));
            Assert.Equal(StatusCode.FailedPrecondition, live.StatusCode);
            Assert.Contains("is up", live.Status.Detail, StringComparison.Ordinal);

            cluster.Kill(3);
            load.Routing.Failed(3);
            await cluster.WaitUntilSeenDownAsync(0, 3);
            await cluster.WaitUntilSeenDownAsync(1, 3);
            await cluster.WaitUntilSeenDownAsync(2, 3);
            Step($"{load.AcknowledgedCount} acked; node 3 killed and seen down; removenode");
            var removed = await cluster.Client(0).RemoveNodeAsync(new RemoveNodeRequest { HostId = hostId }, ProcessCluster.Call(TopologyPatience.TotalSeconds));
            Step(removed.Message);
            Assert.True(removed.StreamedBytes > 0);
            await WaitUntilAllSeeAsync(cluster, [0, 1, 2], cluster.Node(3).Options.InternodeEndpoint, "REMOVED");
            int after = load.AcknowledgedCount;
            await WaitForAcksAsync(load, after + 300, "load after the removal");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        AssertNoFailures(load);
        await AssertEveryAcknowledgedWriteReadableAsync(cluster, load, [0, 1, 2]);

        // The removed node comes back on its old data: it would resurrect stale data, so it is refused and exits.
        cluster.Node(3).Start(LocalCluster.NodeBinary.Locate());
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(!cluster.Node(3).IsRunning), "the removed node is refused", TopologyPatience);
        Assert.Contains("was removed from the cluster", NodeLog(cluster, 3), StringComparison.Ordinal);
        Assert.True(await StatusSeenBy(cluster.Client(0), cluster.Node(3).Options.InternodeEndpoint) is "REMOVED" or null);
    }

    [Fact]
    public async Task Replace_of_a_SIGKILLed_node_takes_its_tokens_and_streams_its_data_with_no_lost_write()
    {
        await using var cluster = await StartLoadedClusterAsync(4);
        var load = new WriteLoad(cluster, Keyspace, workers: 6, maxWritesPerWorker: 100_000);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var dead = (await cluster.DescribeAsync(0, 3))!;
        using var replacement = new ExtraNode(cluster, "replacement", new Dictionary<string, string> { ["Replace"] = dead.HostId });
        try
        {
            await WaitForAcksAsync(load, 600, "data before the kill");
            cluster.Kill(3);
            load.Routing.Failed(3);
            await cluster.WaitUntilSeenDownAsync(0, 3);
            await cluster.WaitUntilSeenDownAsync(1, 3);
            await cluster.WaitUntilSeenDownAsync(2, 3);
            Step($"{load.AcknowledgedCount} acked; node 3 killed; starting its replacement");
            replacement.Start();
            await WaitUntilAllSeeAsync(cluster, [0, 1, 2], replacement.Endpoint, "NORMAL");
            int after = load.AcknowledgedCount;
            Step($"{after} acked; the replacement is NORMAL");
            await WaitForAcksAsync(load, after + 300, "load after the replacement");
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        AssertNoFailures(load);
        var ring = await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
        var taken = ring.Nodes.Single(n => n.Endpoint == replacement.Endpoint);
        Assert.Equal(dead.Tokens.Order(), taken.Tokens.Order());
        // The replaced host is out of the ring: REMOVED, or already forgotten after the quarantine delay.
        Assert.True(ring.Nodes.SingleOrDefault(n => n.Endpoint == dead.Endpoint)?.Status is "REMOVED" or null);
        var netstats = await replacement.Client.NetstatsAsync(new NetstatsRequest(), ProcessCluster.Call());
        Assert.Contains(netstats.Sessions, s => s.Operation == "replace" && s.BytesDone > 0 && s.State == "done");
        await AssertEveryAcknowledgedWriteReadableAsync(cluster, load, [0, 1, 2]);
    }

    [Fact]
    public async Task An_interrupted_bootstrap_resumes_streaming_less_and_a_second_change_meanwhile_is_refused()
    {
        await using var cluster = await StartLoadedClusterAsync(3);
        var load = new WriteLoad(cluster, Keyspace, workers: 6, maxWritesPerWorker: 3_000);
        using (var stopPreload = new CancellationTokenSource())
        {
            var preload = load.RunAsync(stopPreload.Token);
            await WaitForAcksAsync(load, 12_000, "preloaded data");
            await stopPreload.CancelAsync();
            await preload;
        }
        AssertNoFailures(load);
        // Slow streaming (256 KiB/s on the receiver) so the kill lands mid-stream.
        var slow = new Dictionary<string, string> { ["StreamThroughputMiBPerSecond"] = "0.25" };
        string dir = Path.Combine(cluster.Options.DataRoot, "joiner");
        long firstRanges, firstDone;
        IReadOnlyList<int> ports;
        using (var joiner = new ExtraNode(cluster, "joiner", slow, dir))
        {
            ports = joiner.Ports;
            joiner.Start();
            await WaitUntilAllSeeAsync(cluster, [0, 1, 2], joiner.Endpoint, "BOOT");
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await cluster.Client(1).DecommissionAsync(new DecommissionRequest(), ProcessCluster.Call(30)));
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("another topology change is in progress", refused.Status.Detail, StringComparison.Ordinal);

            NetstatsResponse stats = new();
            await ProcessCluster.WaitUntilAsync(async () =>
            {
                stats = await joiner.Client.NetstatsAsync(new NetstatsRequest(), ProcessCluster.Call());
                return stats.Sessions.Where(s => s.Direction == "in").Sum(s => s.RangesDone) >= 3;
            }, "the joiner finished a few ranges", TopologyPatience);
            firstRanges = stats.Sessions.Where(s => s.Direction == "in").Sum(s => s.RangesTotal);
            firstDone = stats.Sessions.Where(s => s.Direction == "in").Sum(s => s.RangesDone);
            Step($"joiner: {firstDone} of {firstRanges} ranges done; SIGKILL");
            joiner.Process.Kill();
        }
        using (var again = new ExtraNode(cluster, "joiner", new Dictionary<string, string> { ["StreamThroughputMiBPerSecond"] = "0" }, dir, ports))
        {
            again.Start();
            await WaitUntilAllSeeAsync(cluster, [0, 1, 2], again.Endpoint, "NORMAL");
            var stats = await again.Client.NetstatsAsync(new NetstatsRequest(), ProcessCluster.Call());
            long secondRanges = stats.Sessions.Where(s => s.Direction == "in" && s.Operation == "bootstrap").Sum(s => s.RangesTotal);
            Step($"resumed: {secondRanges} ranges streamed the second time (first run planned {firstRanges}, finished {firstDone})");
            Assert.True(secondRanges <= firstRanges - firstDone, $"second run streamed {secondRanges} ranges; {firstDone} of {firstRanges} were done before");
        }
        await AssertEveryAcknowledgedWriteReadableAsync(cluster, load, [0, 1, 2]);
    }
}
