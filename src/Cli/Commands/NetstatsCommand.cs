using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore netstats [--node N | --host h:p] [--dir D]</c> (nodetool netstats): a node's mode (NORMAL, BOOT,
/// LEAVING...), its stream sessions and its secondary indexes' builds. One node, or every live node when none is named.
/// </summary>
public static class NetstatsCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var target = NodeTarget.Resolve(args);
        if (target is not null && !target.ProcessRunning) throw new CommandFailedException($"{target.Describe()} is not running");
        var nodes = target is not null ? [target.GrpcEndpoint] : await NodeRpc.LiveNodesAsync(ClusterAddress.ContactPoints(args));
        int failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var netstats = await rpc.Api.NetstatsAsync(new NetstatsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                if (nodes.Count > 1) Console.WriteLine($"== {node}");
                Console.Write(NetstatsFormatter.Format(netstats));
                if (nodes.Count > 1) Console.WriteLine();
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, "netstats")}");
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
