using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore add-node [--dir D] [--timeout S]</c>: starts one more node for the local cluster recorded in --dir
/// (the next index i: internode base + i, gRPC base + i, data in D/node{i}, seeded by node 0), records it in
/// cluster.json at once (so <c>down</c> stops it and <c>up</c> restarts it), then polls until the other nodes see it
/// NORMAL and UP, printing its state and streaming progress. A node that dies while joining is marked removed.
/// </summary>
public static class AddNodeCommand
{
    private static readonly string[] ValueOptions = ["--dir", "--timeout"];
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 900, 5, 86_400));
        string dir = ClusterAddress.Directory(args);
        var state = RingStore.LocalCluster.LocalCluster.LoadState(dir)
            ?? throw new CommandFailedException($"no cluster in {dir} (no {RingStore.LocalCluster.LocalCluster.StateFileName}); start one with ringstore up");
        var peers = state.ActiveNodes.Where(i => NodeProcessProbe.IsOurNode(state.Pids[i], dir)).ToList();
        if (peers.Count == 0) throw new CommandFailedException($"no node of the cluster in {dir} is running; start it with ringstore up first");

        int index = state.NodeCount;
        var options = ClusterLauncher.Options(new LaunchSettings(dir, null, null, null, timeout), state) with { Nodes = index + 1 };
        var nodeOptions = options.ForNode(index);
        try
        {
            ClusterLauncher.EnsurePortsFree(nodeOptions);
        }
        catch (UsageException e)
        {
            throw new CommandFailedException(e.Message);
        }
        if (Directory.Exists(nodeOptions.DataDirectory) && Directory.EnumerateFileSystemEntries(nodeOptions.DataDirectory).Any())
            throw new CommandFailedException($"{nodeOptions.DataDirectory} already holds data; a new node needs an empty data directory");

        RingStore.LocalCluster.LocalCluster cluster;
        try
        {
            cluster = new RingStore.LocalCluster.LocalCluster(options);
        }
        catch (FileNotFoundException e)
        {
            throw new CommandFailedException(e.Message);
        }
        Console.WriteLine($"Starting node {index} (internode {nodeOptions.InternodeEndpoint}, gRPC {nodeOptions.GrpcEndpoint}, data {nodeOptions.DataDirectory}, seed {nodeOptions.Seeds})...");
        cluster.StartNode(index); // records its pid in cluster.json next to the others'
        var node = cluster.Nodes[index];
        Console.WriteLine($"Node {index} runs as pid {node.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"}; waiting for it to join (up to {timeout.TotalSeconds:0} s)...");
        return await WaitUntilJoinedAsync(dir, index, node, peers.Select(state.GrpcEndpoint).ToList(), timeout);
    }

    private static async Task<int> WaitUntilJoinedAsync(string dir, int index, NodeProcess node, IReadOnlyList<string> peers, TimeSpan timeout)
    {
        string internode = node.Options.InternodeEndpoint;
        var clock = Stopwatch.StartNew();
        string last = "";
        using var self = new NodeRpc(node.Options.GrpcEndpoint);
        while (true)
        {
            if (!node.IsRunning)
            {
                var now = RingStore.LocalCluster.LocalCluster.LoadState(dir);
                now?.WithRemoved(index).Save(dir);
                await Console.Error.WriteLineAsync(
                    $"error: node {index} exited while joining; it is marked removed in cluster.json (its index is not reused). Log {node.LogPath}:{Environment.NewLine}{NodeProcess.Tail(node.LogPath, 20)}");
                return 1;
            }

            var views = new List<string>();
            int joinedViews = 0;
            foreach (string peer in peers)
            {
                using var rpc = new NodeRpc(peer);
                try
                {
                    var status = await rpc.Api.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(3));
                    var seen = status.Nodes.FirstOrDefault(n => n.Node?.Endpoint == internode);
                    if (seen is null)
                    {
                        views.Add("not seen");
                        continue;
                    }
                    string code = StatusFormatter.StateCode(seen.Node);
                    views.Add(code);
                    if (code == "UN") joinedViews++;
                }
                catch (RpcException)
                {
                    // A peer that does not answer this round is asked again next round.
                }
            }

            string progress = "";
            try
            {
                var netstats = await self.Api.NetstatsAsync(new NetstatsRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                progress = "; " + NetstatsFormatter.Summary(netstats);
            }
            catch (RpcException)
            {
                // Not listening yet, or a node without Netstats: the peers' view is enough.
            }

            string line = views.Count == 0
                ? $"no peer answered{progress}"
                : $"{string.Join(", ", views.GroupBy(v => v).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} for {g.Count()}"))} of {peers.Count} nodes{progress}";
            if (line != last)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{clock.Elapsed.TotalSeconds,5:0}s] node {index}: {line}"));
                last = line;
            }
            if (views.Count > 0 && joinedViews == views.Count)
            {
                Console.WriteLine($"Node {index} joined: NORMAL and UP for all {views.Count} nodes that answered. ringstore status shows the ring; " +
                    "ringstore cleanup drops the data the other nodes no longer own.");
                return 0;
            }
            if (clock.Elapsed > timeout)
            {
                await Console.Error.WriteLineAsync(
                    $"error: node {index} did not join within {timeout.TotalSeconds:0} s (last: {line}). It still runs and is recorded in cluster.json: " +
                    $"watch it with ringstore status / netstats --node {index}, stop it with ringstore down. Log: {node.LogPath}");
                return 1;
            }
            await Task.Delay(PollInterval);
        }
    }
}
