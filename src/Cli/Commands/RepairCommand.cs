using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore repair [keyspace [table]] [--pr] [--node N | --host h:p] [--ranges start:end,...] [--history]</c>
/// (nodetool repair): the node compares every range it replicates with the range's other replicas and exchanges the
/// rows that differ. One node, or every live node in turn when none is named (then --pr repairs each range once).
/// Prints a line per range, a summary, and exits 1 naming each failed range. --history prints the repair history.
/// </summary>
public static class RepairCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout", "--ranges"];
    private static readonly string[] Flags = ["--pr", "--history"];

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, Flags);
        var (keyspace, table) = MaintenanceCommand.KeyspaceAndTable(args, "repair");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 86_400, 5, 7 * 86_400));
        var ranges = ParseRanges(args.Get("--ranges"));
        var nodes = await MaintenanceCommand.NodesAsync(args);
        if (args.Has("--history")) return await HistoryAsync(nodes, keyspace, table);

        string what = keyspace.Length == 0 ? "every keyspace" : table.Length == 0 ? $"keyspace {keyspace}" : $"{keyspace}.{table}";
        Console.WriteLine($"Repair of {what}{(args.Has("--pr") ? " (primary ranges)" : "")} on {nodes.Count} node(s):");
        var failed = new List<string>();
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            var request = new RepairRequest { Keyspace = keyspace, Table = table, PrimaryOnly = args.Has("--pr") };
            request.Ranges.AddRange(ranges);
            try
            {
                using var call = rpc.Api.Repair(request, deadline: DateTime.UtcNow + timeout);
                await foreach (var update in call.ResponseStream.ReadAllAsync())
                {
                    if (update.Final)
                    {
                        Console.WriteLine(Summary(node, update));
                        failed.AddRange(update.Failures.Select(f => $"{node}: {f}"));
                    }
                    else Console.WriteLine(Progress(node, update));
                }
            }
            catch (RpcException e)
            {
                failed.Add($"{node}: {NodeRpc.Describe(e, node, "repair")}");
            }
        }
        foreach (var f in failed) await Console.Error.WriteLineAsync($"error: failed: {f}");
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary><c>start:end,start:end</c> (tokens, start exclusive, end inclusive).</summary>
    public static List<RepairTokenRange> ParseRanges(string? text)
    {
        var ranges = new List<RepairTokenRange>();
        if (string.IsNullOrWhiteSpace(text)) return ranges;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Tokens may be negative: split at the colon that follows the first character.
            int colon = part.IndexOf(':', 1);
            if (colon < 0 || !long.TryParse(part[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out long start)
                || !long.TryParse(part[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out long end))
                throw new UsageException($"--ranges: '{part}' is not start:end (two tokens)");
            ranges.Add(new RepairTokenRange { StartExclusive = start, EndInclusive = end });
        }
        return ranges;
    }

    public static string Progress(string node, RepairUpdate u)
    {
        string outcome = u.Failure.Length > 0 ? $"FAILED: {u.Failure}" : $"ok; {Totals(u)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {node}  [{u.RangesDone}/{u.RangesTotal}] {u.Table} ({u.StartExclusive}, {u.EndInclusive}] {outcome}");
    }

    public static string Summary(string node, RepairUpdate u) => string.Create(CultureInfo.InvariantCulture,
        $"  {node}  done: {u.RangesTotal - u.RangesFailed}/{u.RangesTotal} ranges repaired, {u.RangesFailed} failed; {Totals(u)}");

    private static string Totals(RepairUpdate u) => string.Create(CultureInfo.InvariantCulture,
        $"rows compared {u.RowsCompared:N0}, differing {u.RowsDiffering:N0}, sent {u.RowsSent:N0} ({StatusFormatter.Bytes(u.BytesSent)}), received {StatusFormatter.Bytes(u.BytesReceived)}");

    private static async Task<int> HistoryAsync(IReadOnlyList<string> nodes, string keyspace, string table)
    {
        int failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var r = await rpc.Api.RepairHistoryAsync(new RepairHistoryRequest { Keyspace = keyspace, Table = table });
                Console.WriteLine($"{node}: {r.Items.Count} range(s) repaired");
                foreach (var i in r.Items)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {i.Table} ({i.StartExclusive}, {i.EndInclusive}]  {DateTimeOffset.FromUnixTimeSeconds(i.RepairedAtUnixSeconds):yyyy-MM-dd HH:mm:ss}Z"));
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, "repair history")}");
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
