using System.Net.Sockets;
using RingStore.Client.Protos;
using Xunit.Abstractions;

namespace RingStore.Cluster.Tests;

/// <summary>
/// What the disk-fault tests (full disk, read-only disk) share: a loop-mounted ext4 file system for one extra node's
/// engine files, that node joining a 2-node cluster with a replicated kv table, a QUORUM write load until the node
/// is seen DOWN, the checks that nothing failed or was lost, and waiting for hints once it runs again.
/// </summary>
internal static class DiskFaultScenario
{
    /// <summary>Mounts a small ext4 file system; null (with a SKIPPED line in the output) where the machine refuses.</summary>
    public static LoopFileSystem? Mount(int sizeMiB, string options, ITestOutputHelper output)
    {
        var fs = LoopFileSystem.TryCreate(sizeMiB, options, out string why);
        if (fs is null)
            output.WriteLine($"SKIPPED: this machine refuses a loop-mounted file system ({why.Trim()}); the test needs root and loop devices.");
        return fs;
    }

    /// <summary>
    /// A node directory under the cluster's root whose engine files (<c>data</c>: commit log, SSTables) are on the loop
    /// file system; node.log and the node's identity stay beside it, so the log can say what happened to the disk.
    /// </summary>
    public static string NodeDirectoryOn(LoopFileSystem fs, ProcessCluster cluster, string name)
    {
        string dataDir = Path.Combine(cluster.Options.DataRoot, name);
        Directory.CreateDirectory(dataDir);
        Directory.CreateDirectory(Path.Combine(fs.MountPoint, "data"));
        Directory.CreateSymbolicLink(Path.Combine(dataDir, "data"), Path.Combine(fs.MountPoint, "data"));
        return dataDir;
    }

    /// <summary>
    /// Small memtables and the disk failure policy; RINGSTORE_TEST_DISK_POLICY overrides <paramref name="policy"/> to show a
    /// test failing without the protection it checks.
    /// </summary>
    public static Dictionary<string, string> Settings(string policy) => new()
    {
        ["MemtableBudgetMiB"] = "8",
        ["DiskFailurePolicy"] = Environment.GetEnvironmentVariable("RINGSTORE_TEST_DISK_POLICY") ?? policy,
    };

    /// <summary>Starts the node, waits until it is NORMAL and UP, creates the keyspace (RF 3) and kv table, waits until the node has it.</summary>
    public static async Task StartWithTableAsync(ProcessCluster cluster, ExtraNode node, string keyspace)
    {
        node.Start();
        await ProcessCluster.WaitUntilAsync(async () =>
            (await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call())).Nodes
            .Any(n => n.Endpoint == node.Endpoint && n.Status == "NORMAL" && n.Liveness == "UP"), "the node on the loop file system joined");
        await cluster.CreateKeyspaceAsync(keyspace, 3);
        // Uncompressed: the load's values are padding that LZ4 (the default) shrinks ~100x, and the disk must fill.
        await cluster.Client(0).ExecuteAsync(new ExecuteRequest
        {
            Statement = $"CREATE TABLE {keyspace}.{KvTable.Name} (k bigint PRIMARY KEY, v text) WITH compression = {{'enabled': false}}",
            Consistency = Consistency.Quorum,
        }, ProcessCluster.Call());
        var clients = Enumerable.Range(0, cluster.Count).Select(cluster.Client).Append(node.Client).ToList();
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            foreach (var client in clients)
                if (!(await client.DescribeSchemaAsync(new DescribeSchemaRequest(), ProcessCluster.Call())).Tables.Any(t => t.Keyspace == keyspace && t.Name == KvTable.Name))
                    return false;
            return true;
        }, "every node has the table");
    }

    /// <summary>
    /// Runs a QUORUM load (8 workers) through the two cluster nodes; <paramref name="harm"/> runs once the load is going
    /// (null: the load itself fills the disk); then waits until the node is seen DOWN and the load goes on without it.
    /// </summary>
    public static async Task<WriteLoad> LoadUntilNodeDownAsync(ProcessCluster cluster, ExtraNode node, string keyspace, int valueBytes,
        Func<WriteLoad, Task>? harm, ITestOutputHelper output, TimeSpan downWithin)
    {
        var load = new WriteLoad(cluster, keyspace, workers: 8, maxWritesPerWorker: 40_000, valueBytes: valueBytes);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        try
        {
            if (harm is not null) await harm(load);
            // Under the stop policy the node announces shutdown and the others see it DOWN.
            await ProcessCluster.WaitUntilAsync(async () =>
                (await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call())).Nodes
                .Any(n => n.Endpoint == node.Endpoint && n.Liveness == "DOWN") || load.Failures.Count > 0,
                "the node with the failed disk is seen down", downWithin);
            output.WriteLine($"{load.AcknowledgedCount} acked when the node went down");
            int down = load.AcknowledgedCount;
            await ProcessCluster.WaitUntilAsync(() => Task.FromResult(load.AcknowledgedCount >= down + 300 || load.Failures.Count > 0),
                "the load goes on without it", TimeSpan.FromMinutes(2));
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        return load;
    }

    /// <summary>
    /// The stop policy did its job: no request failed, the process is up for inspection with its client listener
    /// closed and the failure in its log, and every acknowledged write reads back at QUORUM from the others.
    /// </summary>
    public static async Task AssertStoppedAndNothingLostAsync(ProcessCluster cluster, ExtraNode node, string keyspace, WriteLoad load)
    {
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} requests failed:\n{string.Join("\n", load.Failures.Take(10))}");
        Assert.True(node.Process.IsRunning, "under the stop policy the process stays up for inspection");
        using (var probe = new TcpClient())
        {
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", node.Ports[1]));
        }
        Assert.Contains("disk failure", node.Log(), StringComparison.Ordinal);
        foreach (var (key, value) in load.Acknowledged)
        {
            var read = await cluster.Client((int)(key % 2)).ReadAsync(KvTable.Read(keyspace, key, Consistency.Quorum), ProcessCluster.Call(20));
            Assert.Equal(value, KvTable.Value(read));
        }
    }

    /// <summary>Waits until the restarted node is UP and the others have no hints left for it.</summary>
    public static Task WaitForHintsDeliveredAsync(ProcessCluster cluster, ExtraNode node) =>
        ProcessCluster.WaitUntilAsync(async () =>
            (await cluster.Client(0).StatusAsync(new StatusRequest(), ProcessCluster.Call())).Nodes
            .Any(n => n.Node.Endpoint == node.Endpoint && n.Node.Liveness == "UP" && n.HintsPending == 0), "hints delivered to the restarted node",
            TimeSpan.FromMinutes(4));
}
