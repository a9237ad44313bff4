using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore removenode &lt;host id&gt; [--host h:p] [--dir D] [--timeout S]</c> (nodetool removenode): a live node
/// removes a dead node for good, re-replicating its ranges from the remaining replicas. Sent to --host, else to a
/// live node of the cluster other than the one removed. A node of the local cluster is then marked removed.
/// </summary>
public static class RemoveNodeCommand
{
    private static readonly string[] ValueOptions = ["--host", "--dir", "--timeout"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count != 1) throw new UsageException("removenode takes one host id (see ringstore status)");
        string hostId = args.Positionals[0].Trim();
        if (!Guid.TryParseExact(hostId, "D", out var parsed))
            throw new UsageException($"'{hostId}' is not a host id (a UUID such as 123e4567-e89b-12d3-a456-426614174000; see ringstore status)");
        hostId = parsed.ToString("D");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));

        // The ring tells which node the host id is (to update cluster.json) and which live node can do the work.
        string? host = args.Get("--host") is { } h ? NodeTarget.ParseHost(h) : null;
        var (ring, answeredBy) = await NodeRpc.DescribeRingAsync(host is not null ? [host] : ClusterAddress.ContactPoints(args));
        var removed = ring.Nodes.FirstOrDefault(n => string.Equals(n.HostId, hostId, StringComparison.OrdinalIgnoreCase));
        string coordinator = host
            ?? ring.Nodes.Where(n => n.Liveness == "UP" && n.Status == "NORMAL" && n.RpcAddress.Length > 0 && !ReferenceEquals(n, removed))
                .Select(n => n.RpcAddress).FirstOrDefault()
            ?? answeredBy;

        Console.WriteLine($"Removing host {hostId}{(removed is null ? "" : $" ({removed.Endpoint}, {removed.Liveness}, {removed.Status})")} via {coordinator}...");
        using var rpc = new NodeRpc(coordinator);
        TopologyResponse response;
        try
        {
            response = await rpc.Api.RemoveNodeAsync(new RemoveNodeRequest { HostId = hostId }, deadline: DateTime.UtcNow + timeout);
        }
        catch (RpcException e)
        {
            throw new CommandFailedException(NodeRpc.Describe(e, coordinator, "removenode"));
        }
        Console.WriteLine(response.Message.Length > 0 ? response.Message : $"Removed {hostId}.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Streamed {StatusFormatter.Bytes(response.StreamedBytes)} in {response.Ranges} ranges."));

        string dir = ClusterAddress.Directory(args);
        var state = RingStore.LocalCluster.LocalCluster.LoadState(dir);
        if (removed is not null && state is not null)
        {
            foreach (int i in state.ActiveNodes.Where(i => state.InternodeEndpoint(i) == removed.Endpoint))
                await DecommissionCommand.MarkRemovedAsync(dir, i);
        }
        return 0;
    }
}
