using System.Globalization;
using Grpc.Core;
using RingStore.Cli.Cluster;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Tools;
using RingStore.Client.Protos;
using RingStore.Storage.Snapshots;

namespace RingStore.Cli.Commands;

/// <summary>
/// <c>ringstore snapshot|listsnapshots|clearsnapshot|restore</c> (nodetool snapshot, listsnapshots, clearsnapshot,
/// refresh). The CLI calls each node itself (one node with --node/--host, else every live node), in turn: a node does
/// only its own part, and the CLI chooses the tag once so every node's snapshot has the same name.
/// </summary>
public static class SnapshotCommand
{
    private static readonly string[] ValueOptions = ["--node", "--host", "--dir", "--timeout", "--tag"];

    /// <summary>What the four commands were asked: the tag (null when not given), keyspace and table ("" for all).</summary>
    public sealed record Selection(string? Tag, string Keyspace, string Table);

    /// <summary>
    /// <c>[--tag T] [keyspace [table]]</c>; a bad tag is a usage error, and <paramref name="tagRequired"/>
    /// (restore) makes a missing one a usage error too.
    /// </summary>
    public static Selection ParseSelection(CliArguments args, string command, bool tagRequired)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (keyspace, table) = MaintenanceCommand.KeyspaceAndTable(args, command);
        string? tag = args.Get("--tag");
        if (tag is null && tagRequired) throw new UsageException($"{command} needs --tag T (ringstore listsnapshots shows the tags)");
        if (tag is not null)
        {
            try
            {
                SnapshotTag.Validate(tag);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
        }
        return new Selection(tag, keyspace, table);
    }

    public static Task<int> SnapshotAsync(IReadOnlyList<string> rawArgs) => RunAsync(rawArgs, "snapshot", tagRequired: false, async (rpc, s, deadline) =>
    {
        var r = await rpc.Api.SnapshotAsync(new SnapshotRequest { Tag = s.Tag ?? "", Keyspace = s.Keyspace, Table = s.Table }, deadline: deadline);
        return SnapshotFormatter.Taken(rpc.Endpoint, r).ToList();
    }, s => s with { Tag = s.Tag ?? SnapshotTag.FromTime(DateTimeOffset.UtcNow) });

    public static Task<int> ListAsync(IReadOnlyList<string> rawArgs) => RunAsync(rawArgs, "listsnapshots", tagRequired: false, async (rpc, s, deadline) =>
    {
        var r = await rpc.Api.ListSnapshotsAsync(new ListSnapshotsRequest { Tag = s.Tag ?? "", Keyspace = s.Keyspace, Table = s.Table }, deadline: deadline);
        return SnapshotFormatter.Listed(rpc.Endpoint, r.Snapshots).ToList();
    });

    public static Task<int> ClearAsync(IReadOnlyList<string> rawArgs) => RunAsync(rawArgs, "clearsnapshot", tagRequired: false, async (rpc, s, deadline) =>
    {
        var r = await rpc.Api.ClearSnapshotAsync(new ClearSnapshotRequest { Tag = s.Tag ?? "", Keyspace = s.Keyspace, Table = s.Table }, deadline: deadline);
        return [SnapshotFormatter.Cleared(rpc.Endpoint, r.Snapshots)];
    });

    public static Task<int> RestoreAsync(IReadOnlyList<string> rawArgs) => RunAsync(rawArgs, "restore", tagRequired: true, async (rpc, s, deadline) =>
    {
        var r = await rpc.Api.RestoreSnapshotAsync(new RestoreSnapshotRequest { Tag = s.Tag!, Keyspace = s.Keyspace, Table = s.Table }, deadline: deadline);
        return SnapshotFormatter.Restored(rpc.Endpoint, r).ToList();
    });

    private static async Task<int> RunAsync(IReadOnlyList<string> rawArgs, string operation, bool tagRequired,
        Func<NodeRpc, Selection, DateTime, Task<List<string>>> call, Func<Selection, Selection>? complete = null)
    {
        var args = CliArguments.Parse(rawArgs, ValueOptions, []);
        var selection = ParseSelection(args, operation, tagRequired);
        if (complete is not null) selection = complete(selection);
        var timeout = TimeSpan.FromSeconds(args.GetInt("--timeout", 3600, 5, 7 * 86_400));
        var nodes = await MaintenanceCommand.NodesAsync(args);
        string what = selection.Keyspace.Length == 0 ? "every table" : selection.Table.Length == 0 ? $"keyspace {selection.Keyspace}" : $"{selection.Keyspace}.{selection.Table}";
        string tag = selection.Tag is null ? "" : $" (tag {selection.Tag})";
        Console.WriteLine($"{char.ToUpperInvariant(operation[0])}{operation[1..]} of {what}{tag} on {nodes.Count} node(s):");
        int failures = 0, notFound = 0;
        // One node at a time: a restore that re-creates a dropped table announces it before the next node looks.
        foreach (string node in nodes)
        {
            using var rpc = new NodeRpc(node);
            try
            {
                foreach (string line in await call(rpc, selection, DateTime.UtcNow + timeout)) Console.WriteLine(line);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && operation == "restore")
            {
                notFound++; // a node that joined after the snapshot has none: not an error unless no node has one
                Console.WriteLine($"  {node}  {e.Status.Detail}");
            }
            catch (RpcException e)
            {
                failures++;
                await Console.Error.WriteLineAsync($"error: {NodeRpc.Describe(e, node, operation)}");
            }
        }
        if (notFound == nodes.Count)
        {
            await Console.Error.WriteLineAsync($"error: no node has snapshot '{selection.Tag}'");
            return 1;
        }
        return failures == 0 ? 0 : 1;
    }
}
