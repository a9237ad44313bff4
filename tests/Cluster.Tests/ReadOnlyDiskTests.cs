using System.Net.Sockets;
using RingStore.Client.Protos;
using Xunit.Abstractions;

namespace RingStore.Cluster.Tests;

/// <summary>
/// A replica whose data directory is an ext4 file system mounted with errors=remount-ro turns read-only under a QUORUM
/// load (ext4 reports an error through /sys/fs/ext4/&lt;loop&gt;/trigger_fs_error, as after a media error, while the node
/// has its files open). The node meets EROFS at its next commit-log write or flush and, under the default disk failure
/// policy (stop), announces shutdown and closes its listeners: no request fails, nothing acknowledged is lost. After
/// unmount, fsck and a read-write mount, it restarts on the same files and hints bring it back. Needs root and loop
/// devices (CI runs as root); where they are refused the test says so and returns without asserting.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ReadOnlyDiskTests(ITestOutputHelper output)
{
    private const string Keyspace = "rofs";

    [Fact]
    public async Task A_replica_whose_disk_turns_read_only_leaves_the_ring_and_nothing_acknowledged_is_lost()
    {
        using var fs = LoopFileSystem.TryCreate(128, "errors=remount-ro", out string why);
        if (fs is null)
        {
            output.WriteLine($"SKIPPED: this machine refuses a loop-mounted file system ({why.Trim()}); the test needs root and loop devices.");
            return;
        }
        if (!File.Exists($"/sys/fs/ext4/{Path.GetFileName(fs.Device)}/trigger_fs_error"))
        {
            output.WriteLine("SKIPPED: this kernel has no /sys/fs/ext4/<dev>/trigger_fs_error to make ext4 remount itself read-only.");
            return;
        }
        await using var cluster = await ProcessCluster.StartAsync(2);
        // The engine's files (commit log, SSTables: <node dir>/data) are on the loop file system; node.log and the
        // node's identity stay beside it, so the log can say what happened once the file system is read-only.
        string dataDir = Path.Combine(cluster.Options.DataRoot, "rofs");
        Directory.CreateDirectory(dataDir);
        Directory.CreateDirectory(Path.Combine(fs.MountPoint, "data"));
        Directory.CreateSymbolicLink(Path.Combine(dataDir, "data"), Path.Combine(fs.MountPoint, "data"));
        // RINGSTORE_TEST_DISK_POLICY=BestEffort shows the test failing without the protection (the node stays UP and
        // the blocking read repairs sent to it fail QUORUM reads).
        var settings = new Dictionary<string, string>
        {
            ["MemtableBudgetMiB"] = "8",
            ["DiskFailurePolicy"] = Environment.GetEnvironmentVariable("RINGSTORE_TEST_DISK_POLICY") ?? "Stop",
        };
        IReadOnlyList<int> ports;
        WriteLoad load;
        using (var node = new ExtraNode(cluster, "rofs", settings, dataDir))
        {
            ports = node.Ports;
            node.Start();
            await ProcessCluster.WaitUntilAsync(async () =>
                (await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call())).Nodes
                .Any(n => n.Endpoint == node.Endpoint && n.Status == "NORMAL" && n.Liveness == "UP"), "the node on the loop file system joined");
            await cluster.CreateKeyspaceAsync(Keyspace, 3);
            await cluster.CreateTableAsync(KvTable.Create(Keyspace));
            await ProcessCluster.WaitUntilAsync(async () =>
                (await node.Client.DescribeSchemaAsync(new DescribeSchemaRequest(), ProcessCluster.Call())).Tables.Any(t => t.Name == KvTable.Name),
                "the node has the table");

            load = new WriteLoad(cluster, Keyspace, workers: 8, maxWritesPerWorker: 40_000, valueBytes: 512);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            try
            {
                await ProcessCluster.WaitUntilAsync(() => Task.FromResult(load.AcknowledgedCount >= 500 || load.Failures.Count > 0),
                    "the load runs with the node in the ring", TimeSpan.FromMinutes(2));
                fs.TriggerError();
                await ProcessCluster.WaitUntilAsync(() => Task.FromResult(fs.IsReadOnly()), "ext4 remounted itself read-only");
                output.WriteLine($"{load.AcknowledgedCount} acked when the file system turned read-only");

                // The node's next commit-log write meets EROFS; under the stop policy it announces shutdown and the others see it DOWN.
                await ProcessCluster.WaitUntilAsync(async () =>
                    (await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call())).Nodes
                    .Any(n => n.Endpoint == node.Endpoint && n.Liveness == "DOWN") || load.Failures.Count > 0,
                    "the read-only node is seen down", TimeSpan.FromMinutes(2));
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
            Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} requests failed:\n{string.Join("\n", load.Failures.Take(10))}");
            Assert.True(node.Process.IsRunning, "under the stop policy the process stays up for inspection");
            using (var probe = new TcpClient())
            {
                await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", node.Ports[1]));
            }
            Assert.Contains("disk failure", node.Log(), StringComparison.Ordinal);
            output.WriteLine(string.Join("\n", node.Log().Split('\n').Where(l => l.Contains("disk failure", StringComparison.Ordinal)).Take(3)));
            foreach (var (key, value) in load.Acknowledged)
            {
                var read = await cluster.Client((int)(key % 2)).ReadAsync(KvTable.Read(Keyspace, key, Consistency.Quorum), ProcessCluster.Call(20));
                Assert.Equal(value, KvTable.Value(read));
            }
            node.Process.Kill();
        }

        // The operator's repair: unmount, fsck, mount read-write again; the node restarts on the same files and hints bring it back.
        string umount = "";
        await ProcessCluster.WaitUntilAsync(() => Task.FromResult(fs.Unmount(out umount)), "the file system unmounts once the killed node's files are closed");
        Assert.True(fs.Check(out string fsck), fsck);
        Assert.True(fs.TryMount("errors=remount-ro", out string mount), mount);
        Assert.False(fs.IsReadOnly());
        using var again = new ExtraNode(cluster, "rofs", new Dictionary<string, string>(), dataDir, ports);
        again.Start();
        await ProcessCluster.WaitUntilAsync(async () =>
            (await cluster.Client(0).StatusAsync(new StatusRequest(), ProcessCluster.Call())).Nodes
            .Any(n => n.Node.Endpoint == again.Endpoint && n.Node.Liveness == "UP" && n.HintsPending == 0), "hints delivered to the restarted node",
            TimeSpan.FromMinutes(4));
        // It serves again: QUORUM reads it coordinates return the acknowledged values.
        foreach (var (key, value) in load.Acknowledged.Take(200))
        {
            var read = await again.Client.ReadAsync(KvTable.Read(Keyspace, key, Consistency.Quorum), ProcessCluster.Call(20));
            Assert.Equal(value, KvTable.Value(read));
        }
    }
}
