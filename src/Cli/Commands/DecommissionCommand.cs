using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore decommission --node N | --host h:p [--dir D] [--timeout S]</c> (nodetool decommission): the node
/// streams its ranges to the nodes that take them over and leaves the ring; the call returns when it is done and
/// the node process exits. A node of the local cluster is then marked removed in cluster.json, so <c>up</c> does
/// not restart it.
/// </summary>
public static class DecommissionCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));
        var target = NodeTarget.Resolve(args) ?? throw new UsageException("decommission needs the node that leaves: --node N or --host h:p");
        if (!target.ProcessRunning)
            throw new CommandFailedException($"{target.Describe()} is not running; decommission needs the node up (for a dead node: ringstore removenode <host id>)");

        Console.WriteLine($"Decommissioning {target.Describe()}: it streams its data to the nodes that take over its ranges, then leaves...");
        using var rpc = new NodeRpc(target.GrpcEndpoint);
        TopologyResponse response;
        try
        {
            var call = rpc.Api.DecommissionAsync(new DecommissionRequest(), deadline: DateTime.UtcNow + timeout);
            response = await WithProgressAsync(call.ResponseAsync, target);
        }
        catch (RpcException e)
        {
            throw new CommandFailedException(NodeRpc.Describe(e, target.Describe(), "decommission"));
        }
        Console.WriteLine(response.Message.Length > 0 ? response.Message : $"{target.Describe()} decommissioned.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Streamed {StatusFormatter.Bytes(response.StreamedBytes)} in {response.Ranges} ranges."));
        if (target.LocalIndex is { } index) await MarkRemovedAsync(target.Directory, index);
        return 0;
    }

    // Prints the leaving node's streaming progress (netstats) while the call runs; the call's outcome is what counts.
    private static async Task<TopologyResponse> WithProgressAsync(Task<TopologyResponse> call, NodeTarget target)
    {
        using var netstatsRpc = new NodeRpc(target.GrpcEndpoint);
        var clock = Stopwatch.StartNew();
        string last = "";
        while (await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(2))) != call)
        {
            try
            {
                var netstats = await netstatsRpc.Api.NetstatsAsync(new NetstatsRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                string line = NetstatsFormatter.Summary(netstats);
                if (line != last) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{clock.Elapsed.TotalSeconds,5:0}s] {line}"));
                last = line;
            }
            catch (RpcException)
            {
                // Progress is best effort.
            }
        }
        return await call;
    }

    /// <summary>The node left: cluster.json marks it removed (its pid stays recorded only while the process still runs).</summary>
    internal static async Task MarkRemovedAsync(string dir, int index)
    {
        var state = RingStore.LocalCluster.LocalCluster.LoadState(dir);
        if (state is null || index >= state.NodeCount) return;
        int pid = state.Pids[index];
        var clock = Stopwatch.StartNew();
        while (NodeProcessProbe.IsOurNode(pid, dir) && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(250);
        var removed = state.WithRemoved(index);
        if (NodeProcessProbe.IsOurNode(pid, dir))
        {
            removed.Pids[index] = pid; // still running: ringstore down will stop it
            await Console.Error.WriteLineAsync($"warning: node {index} (pid {pid}) is still running 30 s after leaving; ringstore down stops it");
        }
        removed.Save(dir);
        Console.WriteLine($"Node {index} is marked removed in {Path.Combine(dir, RingStore.LocalCluster.LocalCluster.StateFileName)}: ringstore up will not restart it.");
    }
}
