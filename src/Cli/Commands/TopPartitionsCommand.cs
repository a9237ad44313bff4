using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore toppartitions [ks.table] [--top 10]</c> (nodetool toppartitions): the hottest partitions cluster-wide
/// and on each node, by writes and by reads, from every node's Space-Saving sketches. Status reports only the answering
/// node's sketches, so every node is asked directly.
/// </summary>
public static class TopPartitionsCommand
{
    private static readonly string[] ValueOptions = ["--host", "--dir", "--top"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        if (args.Positionals.Count > 1) throw new UsageException("toppartitions takes at most one ks.table");
        string? table = args.Positionals.Count == 1 ? args.Positionals[0] : null;
        int top = args.GetInt("--top", 10, min: 1, max: 1000);
        await using var client = await ShellCommand.ConnectAsync(args);
        if (client is null) return 1;

        var entries = new List<(string Node, TopPartition Entry)>();
        int failures = 0;
        foreach (var node in client.Metadata.Ring.Nodes.Where(n => n.RpcAddress.Length > 0).OrderBy(n => n.Endpoint, StringComparer.Ordinal))
        {
            using var channel = Cluster.CliTls.Channel(node.RpcAddress);
            try
            {
                var status = await new RingStoreApi.RingStoreApiClient(RingStore.Client.Auth.ClientCredentials.Apply(channel.CreateCallInvoker(), Cluster.CliCredentials.Current))
                    .StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
                entries.AddRange(status.Metrics.TopPartitions.Where(t => table is null || t.Table == table).Select(t => (node.Endpoint, t)));
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"{node.Endpoint}: no answer ({e.Status.StatusCode})");
            }
        }

        foreach (var kind in new[] { "write", "read" })
        {
            Console.WriteLine($"Top {kind}s, cluster-wide (counts summed over replicas; each may overestimate by its error):");
            Console.WriteLine($"  {"table",-24} {"partition",-40} {"count",10} {"error",8}");
            var ranking = TopPartitionsRanking.ClusterWide(entries.Select(e => e.Entry), kind, top);
            foreach (var r in ranking)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Table,-24} {r.Partition,-40} {r.Count,10:N0} {r.Error,8:N0}{(r.Significant ? " *" : "")}"));
            Console.WriteLine(TopPartitionsRanking.Verdict(ranking));
            foreach (var node in entries.Where(e => e.Entry.Kind == kind).GroupBy(e => e.Node))
            {
                Console.WriteLine($"  on {node.Key}:");
                foreach (var (_, e) in node.OrderByDescending(e => e.Entry.Count).Take(top))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {e.Table,-22} {TopPartitionsRanking.Describe(e),-40} {e.Count,10:N0} {e.Error,8:N0}{(e.Guaranteed ? " *" : "")}"));
            }
            Console.WriteLine();
        }
        return failures == 0 ? 0 : 1;
    }
}
