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
        using var fs = DiskFaultScenario.Mount(128, "errors=remount-ro", output);
        if (fs is null) return;
        if (!File.Exists($"/sys/fs/ext4/{Path.GetFileName(fs.Device)}/trigger_fs_error"))
        {
            output.WriteLine("SKIPPED: this kernel has no /sys/fs/ext4/<dev>/trigger_fs_error to make ext4 remount itself read-only.");
            return;
        }
        await using var cluster = await ProcessCluster.StartAsync(2);
        string dataDir = DiskFaultScenario.NodeDirectoryOn(fs, cluster, "rofs");
        // RINGSTORE_TEST_DISK_POLICY=BestEffort shows the test failing without the protection (the node stays UP and
        // the blocking read repairs sent to it fail QUORUM reads).
        IReadOnlyList<int> ports;
        WriteLoad load;
        using (var node = new ExtraNode(cluster, "rofs", DiskFaultScenario.Settings("Stop"), dataDir))
        {
            ports = node.Ports;
            await DiskFaultScenario.StartWithTableAsync(cluster, node, Keyspace);
            load = await DiskFaultScenario.LoadUntilNodeDownAsync(cluster, node, Keyspace, valueBytes: 512, async running =>
            {
                await ProcessCluster.WaitUntilAsync(() => Task.FromResult(running.AcknowledgedCount >= 500 || running.Failures.Count > 0),
                    "the load runs with the node in the ring", TimeSpan.FromMinutes(2));
                fs.TriggerError();
                await ProcessCluster.WaitUntilAsync(() => Task.FromResult(fs.IsReadOnly()), "ext4 remounted itself read-only");
                output.WriteLine($"{running.AcknowledgedCount} acked when the file system turned read-only");
            }, output, TimeSpan.FromMinutes(2));
            await DiskFaultScenario.AssertStoppedAndNothingLostAsync(cluster, node, Keyspace, load);
            output.WriteLine(string.Join("\n", node.Log().Split('\n').Where(l => l.Contains("disk failure", StringComparison.Ordinal)).Take(3)));
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
        await DiskFaultScenario.WaitForHintsDeliveredAsync(cluster, again);
        // It serves again: QUORUM reads it coordinates return the acknowledged values.
        foreach (var (key, value) in load.Acknowledged.Take(200))
        {
            var read = await again.Client.ReadAsync(KvTable.Read(Keyspace, key, Consistency.Quorum), ProcessCluster.Call(20));
            Assert.Equal(value, KvTable.Value(read));
        }
    }
}
