using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Client.Protos;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore scrub [--node N | --host h:p] [--dir D] [--all] [keyspace [table]]</c> (nodetool scrub): each node
/// rewrites its SSTables that are marked unreadable or that verify finds damaged (every SSTable with <c>--all</c>) from
/// their readable partitions and rows. Exit 1 when anything was dropped (or a node failed), so a script knows to run
/// repair, which restores the dropped data from the other replicas.
/// </summary>
public static class ScrubCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout"];

    /// <summary>Lost keys printed per table; the count says how many there were in all.</summary>
    public const int MaxKeysShown = 20;

    public static async Task<int> RunAsync(IReadOnlyList<string> rawArgs)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, ["--all"]);
        var (keyspace, table) = MaintenanceCommand.KeyspaceAndTable(args, "scrub");
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));
        var nodes = await MaintenanceCommand.NodesAsync(args);

        bool lost = false;
        int failures = 0;
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                var r = await rpc.Api.ScrubAsync(new ScrubRequest { Keyspace = keyspace, Table = table, All = args.Has("--all") },
                    deadline: DateTime.UtcNow + timeout);
                foreach (string line in Format(node, r)) Console.WriteLine(line);
                lost |= LostAnything(r);
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, "scrub")}");
            }
        }
        if (lost)
            Console.WriteLine("Data was dropped: run repair on the affected tables to restore it from the other replicas.");
        return !lost && failures == 0 ? 0 : 1;
    }

    public static bool LostAnything(ScrubResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Tables.Any(t => t.PartitionsDropped > 0 || t.PartitionsDamaged > 0 || t.RowsDropped > 0 || t.DataBytesUnaccounted > 0 || t.LostKeyCount > 0);
    }

    /// <summary>One line per node, one per table (what was scrubbed, kept and dropped), then the lost keys.</summary>
    public static IEnumerable<string> Format(string node, ScrubResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int scrubbed = response.Tables.Sum(t => t.SstablesScrubbed);
        yield return string.Create(CultureInfo.InvariantCulture,
            $"  {node}  {response.Tables.Sum(t => t.SstablesChecked)} SSTables checked, {scrubbed} scrubbed{(LostAnything(response) ? ", data dropped" : scrubbed > 0 ? ", nothing dropped" : "")}");
        int width = response.Tables.Select(t => t.Table.Length).DefaultIfEmpty(0).Max();
        foreach (var t in response.Tables.Where(t => t.SstablesScrubbed > 0))
        {
            string unknown = t.DataBytesUnaccounted > 0
                ? string.Create(CultureInfo.InvariantCulture, $"  {t.DataBytesUnaccounted} Data bytes of unknown partitions")
                : "";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"    {t.Table.PadRight(width)}  {t.SstablesScrubbed} SSTables  kept {t.PartitionsKept} partitions, {t.RowsKept} rows  dropped {t.PartitionsDropped} partitions, {t.RowsDropped} rows  damaged {t.PartitionsDamaged} partitions  bad blocks {t.DataBlocksBad} Data, {t.IndexBlocksBad} Index{unknown}");
            if (t.LostKeyCount == 0) continue;
            var shown = t.LostKeys.Take(MaxKeysShown).ToList();
            string more = t.LostKeyCount > shown.Count ? $" (and {t.LostKeyCount - shown.Count} more)" : "";
            yield return $"      lost or damaged partition keys: {string.Join("; ", shown.Select(k => $"({k})"))}{more}";
        }
    }
}
