using System.Diagnostics;
using System.Globalization;
using RingStore.Cli.Cluster;
using RingStore.LocalCluster;

namespace RingStore.Cli.Tests;

/// <summary>
/// add-node against a real local cluster of its own (own directory and ports), and `up` keeping cluster.json whole
/// when a restart fails. In the serial collection; every node process is stopped whatever the outcome.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TopologyEndToEndTests
{
    // What the CLI guarantees whatever the node side does while joining: the 4th process starts, is recorded in
    // cluster.json, down stops all four and up restarts all four.
    [Fact]
    public async Task Add_node_starts_a_fourth_node_that_down_stops_and_up_restarts()
    {
        await using var cluster = LocalClusterHandle.Create();
        var up = await cluster.UpAsync("--no-sample");
        Assert.True(up.ExitCode == 0, up.ToString());

        var add = await CliProcess.RunAsync(["add-node", "--dir", cluster.Directory, "--timeout", "240"], timeout: TimeSpan.FromMinutes(6));
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("Starting node 3", add.Stdout, StringComparison.Ordinal);
        Assert.Contains("Node 3 joined", add.Stdout, StringComparison.Ordinal);
        var pids = cluster.RecordedPids();
        Assert.Equal(4, pids.Length);
        Assert.All(pids, pid => Assert.True(NodeProcessProbe.IsOurNode(pid, cluster.Directory), $"pid {pid} is not running: {add}"));
        Assert.True(Directory.Exists(Path.Combine(cluster.Directory, "node3")));

        string node3 = $"127.0.0.1:{(cluster.BasePort + 3).ToString(CultureInfo.InvariantCulture)}";
        var status = await cluster.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"UN  {node3}", status.Stdout, StringComparison.Ordinal);

        var down = await cluster.RunAsync("down");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("Stopped 4 nodes", down.Stdout, StringComparison.Ordinal);
        Assert.False(cluster.AnyNodeRunning(pids));

        var restart = await CliProcess.RunAsync(["up", "--detach", "--no-sample", "--dir", cluster.Directory], timeout: TimeSpan.FromMinutes(6));
        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.Contains("Restarting 4 of 4 nodes", restart.Stdout, StringComparison.Ordinal);
        var restarted = cluster.RecordedPids();
        Assert.Equal(4, restarted.Length);
        Assert.All(restarted, pid => Assert.True(NodeProcessProbe.IsOurNode(pid, cluster.Directory), $"pid {pid} is not running: {restart}"));
    }

    // `up` restarting one dead node whose start fails used to rewrite cluster.json with the running nodes' pids
    // zeroed, so `down` could no longer stop them. Two stand-in "nodes" (processes whose command line names
    // RingStore.Node.dll and the directory, which is how down recognises a node) run; node 2 cannot start (its log
    // path is a directory, so the node's shell fails at once).
    [Fact]
    public async Task Up_keeps_every_running_nodes_pid_when_restarting_a_node_fails()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ringstore-cli-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "node2", "node.log"));
        int basePort = FreePorts.FindBase(3);
        var standIns = new List<Process>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add($"sleep 600; : {NodeProcessProbe.NodeDllName} {dir}");
                standIns.Add(Process.Start(info)!);
            }
            int[] recorded = [standIns[0].Id, standIns[1].Id, 0];
            new LocalClusterState("ringstore", "127.0.0.1", basePort, basePort + 2042, recorded).Save(dir);
            Assert.All(standIns, p => Assert.True(NodeProcessProbe.IsOurNode(p.Id, dir)));

            var up = await CliProcess.RunAsync(["up", "--detach", "--no-sample", "--dir", dir, "--timeout", "60"], timeout: TimeSpan.FromMinutes(3));
            Assert.True(up.ExitCode == 1, up.ToString());
            Assert.Contains("Restarting 1 of 3 nodes", up.Stdout, StringComparison.Ordinal);
            Assert.Contains("did not start", up.Stderr, StringComparison.Ordinal);
            Assert.Equal(recorded, RingStore.LocalCluster.LocalCluster.LoadState(dir)!.Pids);

            var down = await CliProcess.RunAsync(["down", "--dir", dir]);
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Contains("Stopped 2 nodes", down.Stdout, StringComparison.Ordinal);
            Assert.All(standIns, p => Assert.True(p.WaitForExit(10_000)));
        }
        finally
        {
            foreach (var p in standIns)
            {
                try { p.Kill(); }
                catch (InvalidOperationException) { }
                p.Dispose();
            }
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }
}

/// <summary>The topology commands' success paths against a real local cluster that holds the sample data.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TopologyCommandsWithDataTests
{
    [Fact]
    public async Task Add_node_streams_the_sample_data_then_netstats_cleanup_and_decommission_succeed()
    {
        await using var cluster = LocalClusterHandle.Create();
        var up = await cluster.UpAsync();
        Assert.True(up.ExitCode == 0, up.ToString());

        var add = await CliProcess.RunAsync(["add-node", "--dir", cluster.Directory, "--timeout", "240"], timeout: TimeSpan.FromMinutes(6));
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("Node 3 joined", add.Stdout, StringComparison.Ordinal);

        var netstats = await cluster.RunAsync("netstats", "--node", "3");
        Assert.True(netstats.ExitCode == 0, netstats.ToString());
        Assert.Contains("NORMAL", netstats.Stdout, StringComparison.Ordinal);
        Assert.Contains("bootstrap", netstats.Stdout, StringComparison.Ordinal);

        var cleanup = await cluster.RunAsync("cleanup", "demo");
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());

        var decommission = await cluster.RunAsync("decommission", "--node", "3");
        Assert.True(decommission.ExitCode == 0, decommission.ToString());
        Assert.Contains("decommissioned", decommission.Stdout, StringComparison.Ordinal);

        var again = await cluster.RunAsync("decommission", "--node", "2");
        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("needs 3 replicas", again.Stderr + again.Stdout, StringComparison.Ordinal);

        var status = await cluster.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        string node3 = $"127.0.0.1:{(cluster.BasePort + 3).ToString(CultureInfo.InvariantCulture)}";
        Assert.DoesNotContain(node3, status.Stdout, StringComparison.Ordinal);
    }
}
