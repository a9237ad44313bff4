using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore tablestats [--node N | --host h:p] [--dir D] [keyspace [table]]</c> (per node: SSTables, size, partitions,
/// latencies) and <c>ringstore describecluster [--host h:p] [--dir D]</c> (name, partitioner, schema versions per node).
/// </summary>
public static class NodeInfoCommand
{
    private static readonly string[] TableStatsOptions = ["--node", "--host", "--dir"];
    private static readonly string[] DescribeOptions = ["--host", "--dir", "--node-timeout"];

    public static async Task<int> TableStatsAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, TableStatsOptions, []);
        var (keyspace, table) = MaintenanceCommand.KeyspaceAndTable(args, "tablestats");
        var nodes = await MaintenanceCommand.NodesAsync(args);
        int failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var status = await rpc.Api.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                if (nodes.Count > 1) Console.WriteLine($"== {node}");
                Console.Write(TableStatsFormatter.TableStats(status.Metrics, keyspace, table));
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, "tablestats")}");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    public static async Task<int> DescribeClusterAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, DescribeOptions, []);
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var outcome = await StatusCommand.AskAnyNodeAsync(args, async (api, deadline, ct) =>
        {
            var ring = await api.DescribeRingAsync(new DescribeRingRequest(), deadline: deadline, cancellationToken: ct);
            var status = await api.StatusAsync(new StatusRequest(), deadline: deadline, cancellationToken: ct);
            return Tuple.Create(ring, status);
        });
        Console.Write(TableStatsFormatter.DescribeCluster(outcome.Answer!.Item1, outcome.Answer.Item2));
        return 0;
    }
}
