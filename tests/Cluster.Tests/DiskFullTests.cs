using Grpc.Core;
using RingStore.Client.Protos;
using Xunit.Abstractions;

namespace RingStore.Cluster.Tests;

/// <summary>
/// A replica whose engine files are on a small loop-mounted ext4 file system runs out of space.
/// - Default disk failure policy (stop): under a QUORUM load it announces shutdown and closes its listeners, so the
///   others mark it down and hint its writes: no request fails, nothing acknowledged is lost, no temp file is left,
///   and once it runs again with room, hints bring it back.
/// - best_effort: writes that need it fail (WriteFailure) while its disk is full, and once space is freed they
///   succeed again in the same process: its commit log resumes in a new generation, no restart.
/// Needs root and loop devices (CI runs as root); where mounting is refused the test says so and returns without asserting.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_replica_whose_disk_fills_leaves_the_ring_and_nothing_acknowledged_is_lost()
    {
        const string keyspace = "full";
        using var fs = DiskFaultScenario.Mount(96, "rw", output);
        if (fs is null) return;
        await using var cluster = await ProcessCluster.StartAsync(2);
        string dataDir = DiskFaultScenario.NodeDirectoryOn(fs, cluster, "small");
        // RINGSTORE_TEST_DISK_POLICY=BestEffort shows the test failing without the protection (the node stays UP).
        IReadOnlyList<int> ports;
        using (var small = new ExtraNode(cluster, "small", DiskFaultScenario.Settings("Stop"), dataDir))
        {
            ports = small.Ports;
            await DiskFaultScenario.StartWithTableAsync(cluster, small, keyspace);
            // The load itself fills the small disk (4 KiB values).
            var load = await DiskFaultScenario.LoadUntilNodeDownAsync(cluster, small, keyspace, valueBytes: 4096, harm: null, output,
                TimeSpan.FromMinutes(4));
            await DiskFaultScenario.AssertStoppedAndNothingLostAsync(cluster, small, keyspace, load);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(fs.MountPoint, "data"), "*.tmp", SearchOption.AllDirectories));
            small.Process.Kill();
        }

        // Room again: the node's files move to a roomy directory and it restarts there; hints bring it back.
        string roomy = Path.Combine(cluster.Options.DataRoot, "roomy");
        Assert.True(LoopFileSystem.Run("cp", $"-RL --preserve=all {dataDir} {roomy}", out string copy), copy);
        using var again = new ExtraNode(cluster, "small", new Dictionary<string, string>(), roomy, ports);
        again.Start();
        await DiskFaultScenario.WaitForHintsDeliveredAsync(cluster, again);
    }

    [Fact]
    public async Task Under_best_effort_writes_fail_while_the_disk_is_full_and_succeed_again_once_space_is_freed_without_a_restart()
    {
        const string keyspace = "fullbe";
        using var fs = DiskFaultScenario.Mount(64, "rw", output);
        if (fs is null) return;
        await using var cluster = await ProcessCluster.StartAsync(2);
        string dataDir = DiskFaultScenario.NodeDirectoryOn(fs, cluster, "besteffort");
        using var node = new ExtraNode(cluster, "besteffort", DiskFaultScenario.Settings("BestEffort"), dataDir);
        await DiskFaultScenario.StartWithTableAsync(cluster, node, keyspace);
        int? pid = node.Process.Pid;
        long key = 0;
        // ALL through the node: it succeeds only if the node itself applied the write (RF 3 on 3 nodes).
        async Task<RpcException?> WriteAllAsync(long k, string? value = null)
        {
            try
            {
                await node.Client.MutateAsync(KvTable.Write(keyspace, k, value ?? $"v{k}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, Consistency.All),
                    ProcessCluster.Call(20));
                return null;
            }
            catch (RpcException e) when (RpcErrors.Kind(e) is not null)
            {
                return e;
            }
        }

        for (; key < 20; key++) Assert.Null(await WriteAllAsync(key));

        // Fill the disk: writes needing this node fail as WriteFailure (its commit log cannot commit).
        string filler = Path.Combine(fs.MountPoint, "filler");
        FillDisk(filler);
        // 8 KiB values, back to back: the commit log needs new blocks soon (ext4 may have a few preallocated for it).
        RpcException? failed = null;
        var fillDeadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while ((failed = await WriteAllAsync(key++, new string('x', 8192))) is null)
            Assert.True(DateTime.UtcNow < fillDeadline, $"no write failed on the full disk ({key} writes)");
        Assert.Equal("WriteFailure", RpcErrors.Kind(failed!));
        output.WriteLine($"first failure at key {key - 1}: {failed!.Status.Detail}");
        for (int i = 0; i < 3; i++)
        {
            var again = await WriteAllAsync(key++, new string('x', 8192));
            Assert.True(again is not null, "a write needing the full node succeeded while its disk was still full");
            Assert.Equal("WriteFailure", RpcErrors.Kind(again));
        }
        // Best effort: still in the ring, still serving.
        var ring = await cluster.Client(0).DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
        Assert.Contains(ring.Nodes, n => n.Endpoint == node.Endpoint && n.Liveness == "UP");

        // Space back: writes needing the node succeed again, in the same process.
        File.Delete(filler);
        long firstAfter = -1;
        await ProcessCluster.WaitUntilAsync(async () =>
        {
            long k = key++;
            if (await WriteAllAsync(k) is not null) return false;
            firstAfter = k;
            return true;
        }, "a write needing the node succeeds once space is freed", TimeSpan.FromMinutes(2));
        var written = new List<long> { firstAfter };
        for (int i = 0; i < 100; i++, key++)
        {
            await node.Client.MutateAsync(KvTable.Write(keyspace, key, $"v{key}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, Consistency.Quorum),
                ProcessCluster.Call(20));
            written.Add(key);
        }
        Assert.Null(await WriteAllAsync(key)); // the node itself takes writes again
        written.Add(key);
        foreach (long k in written)
        {
            var read = await node.Client.ReadAsync(KvTable.Read(keyspace, k, Consistency.One), ProcessCluster.Call(20));
            Assert.Equal($"v{k}", KvTable.Value(read));
        }
        Assert.Equal(pid, node.Process.Pid); // no restart
        Assert.Contains("Commit log resumed in generation", node.Log(), StringComparison.Ordinal);
    }

    /// <summary>Writes one fsynced file until the file system is full (ENOSPC).</summary>
    private static void FillDisk(string path)
    {
        var chunk = new byte[1 << 20];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }
}
