using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore cleanup [--node N | --host h:p] [--dir D] [keyspace [table]]</c> (nodetool cleanup): each node drops
/// the data of ranges it no longer replicates (after a node joined). One node, or every live node when none is named.
/// </summary>
public static class CleanupCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        var (keyspace, table) = MaintenanceCommand.KeyspaceAndTable(args, "cleanup");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));
        var nodes = await MaintenanceCommand.NodesAsync(args);

        string what = keyspace.Length == 0 ? "every keyspace" : table.Length == 0 ? $"keyspace {keyspace}" : $"{keyspace}.{table}";
        Console.WriteLine($"Cleanup of {what} on {nodes.Count} node(s):");
        int failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var r = await rpc.Api.CleanupAsync(new CleanupRequest { Keyspace = keyspace, Table = table }, deadline: DateTime.UtcNow + timeout);
                Console.WriteLine(Format(node, r));
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, "cleanup")}");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /// <summary><c>  127.0.0.1:9160  1.2 MiB -> 800 KiB (freed 400 KiB), 1,234 partitions dropped</c>.</summary>
    public static string Format(string node, CleanupResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        long freed = Math.Max(0, response.BytesBefore - response.BytesAfter);
        return string.Create(CultureInfo.InvariantCulture,
            $"  {node}  {StatusFormatter.Bytes(response.BytesBefore)} -> {StatusFormatter.Bytes(response.BytesAfter)} (freed {StatusFormatter.Bytes(freed)}), {response.PartitionsDropped:N0} partitions dropped");
    }
}
