using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore flush|compact [--node N | --host h:p] [--dir D] [--timeout S] [keyspace [table]]</c> (nodetool flush,
/// compact): memtables to SSTables, or every SSTable of a table merged into one. One node, or every live node.
/// </summary>
public static class MaintenanceCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout"];

    public static Task<int> FlushAsync(IReadOnlyList<string> rawArgs) =>
        RunAsync(rawArgs, "flush", (api, ks, t, deadline) => api.FlushAsync(new FlushRequest { Keyspace = ks, Table = t }, deadline: deadline).ResponseAsync);

    public static Task<int> CompactAsync(IReadOnlyList<string> rawArgs) =>
        RunAsync(rawArgs, "compact", (api, ks, t, deadline) => api.CompactAsync(new CompactRequest { Keyspace = ks, Table = t }, deadline: deadline).ResponseAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> rawArgs, string operation,
        Func<RingStoreApi.RingStoreApiClient, string, string, DateTime, Task<MaintenanceResponse>> call)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        var (keyspace, table) = KeyspaceAndTable(args, operation);
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));
        var nodes = await NodesAsync(args);
        string what = keyspace.Length == 0 ? "every table" : table.Length == 0 ? $"keyspace {keyspace}" : $"{keyspace}.{table}";
        Console.WriteLine($"{char.ToUpperInvariant(operation[0])}{operation[1..]} of {what} on {nodes.Count} node(s):");
        int failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var response = await call(rpc.Api, keyspace, table, DateTime.UtcNow + timeout);
                Console.WriteLine(Format(node, response));
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, operation)}");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /// <summary><c>[keyspace [table]]</c> or <c>keyspace.table</c>.</summary>
    public static (string Keyspace, string Table) KeyspaceAndTable(CliArguments args, string command)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Positionals.Count > 2) throw new UsageException($"{command} takes at most a keyspace and a table");
        string keyspace = args.Positionals.Count > 0 ? args.Positionals[0] : "";
        string table = args.Positionals.Count > 1 ? args.Positionals[1] : "";
        if (keyspace.Contains('.', StringComparison.Ordinal) && table.Length == 0)
        {
            string[] parts = keyspace.Split('.', 2);
            (keyspace, table) = (parts[0], parts[1]);
        }
        return (keyspace, table);
    }

    /// <summary>The named node, or every live node.</summary>
    public static async Task<IReadOnlyList<string>> NodesAsync(CliArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var target = NodeTarget.Resolve(args);
        if (target is not null && !target.ProcessRunning) throw new CommandFailedException($"{target.Describe()} is not running");
        var nodes = target is not null ? [target.GrpcEndpoint] : await NodeRpc.LiveNodesAsync(ClusterAddress.ContactPoints(args));
        return nodes.Count > 0 ? nodes : throw new CommandFailedException("no live node");
    }

    /// <summary><c>  127.0.0.1:9160  demo.readings: 1 SSTable, 12.3 KiB</c>, one line per table.</summary>
    public static string Format(string node, MaintenanceResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Tables.Count == 0) return $"  {node}  no table";
        return string.Join('\n', response.Tables.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"  {node}  {t.Table}: {t.LiveSstables} SSTable{(t.LiveSstables == 1 ? "" : "s")}, {StatusFormatter.Bytes(t.DiskBytes)}")));
    }
}
