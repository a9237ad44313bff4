using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using RingStore.Cli.CommandLine;
using RingStore.Cli.Commands;

namespace RingStore.Cli;

/// <summary>
/// Entry point of the `ringstore` command: dispatches to one class per sub-command. Exit codes: 0 ok, 1 failed,
/// 2 usage. <c>ringstore &lt;command&gt; --help</c> prints that command's help.
/// </summary>
public static class Program
{
    private sealed record Command(string Name, string Help, Func<string[], Task<int>> Run, params string[] Aliases);

    private const string Where = "Cluster commands find the nodes with --host h:p[,h:p] or the cluster recorded in --dir (default ./.ringstore).\n"
        + "Every command takes --ca FILE: use TLS (https) trusting that CA; a local cluster made with up --tls is trusted without it.\n"
        + "Every command takes --user NAME --password PW (or RINGSTORE_USER, RINGSTORE_PASSWORD): the role to log in as when the cluster uses the password authenticator.";

    private static readonly Command[] Commands =
    [
        new("up", """
              up [--nodes 3] [--rf 3] [--detach] [--dir .ringstore] [--base-port 7000] [--grpc-port 9160] [--timeout 180] [--no-sample] [--tls]
                                            start (or restart) a local cluster, load the sample table, open the shell
                                            (--tls: throwaway CA in DIR/tls, client and internode TLS)
            """, a => UpCommand.RunAsync(a, demo: false)),
        new("down", """
              down [--dir .ringstore] [--timeout 30]
                                            stop the local cluster (the data stays)
            """, DownCommand.RunAsync),
        new("demo", """
              demo [--nodes 3] [--rf 3] [--dir .ringstore] [--base-port 7000] [--grpc-port 9160] [--timeout 180] [--no-sample]
                                            up without the shell: run sample queries, then stop the nodes it started
            """, a => UpCommand.RunAsync(a, demo: true)),
        new("shell", """
              shell [--host h:p] [--dir D] [-k|--keyspace ks] [-e|--execute "stmt"] [-f|--file file] [--consistency LEVEL] [--timing]
                                            the CQL shell (-e/-f or piped input: run and exit, 1 if a statement failed)
            """, ShellCommand.RunAsync, "cqlsh"),
        new("status", """
              status [--host h:p] [--dir D] [--node-timeout 5000] [keyspace]
                                            nodes: UN/UJ/UL/DN..., address, load, tokens, ownership, host id, rack
                                            (asks every node at once; the first answer within --node-timeout ms wins)
            """, StatusCommand.StatusAsync),
        new("ring", """
              ring [--host h:p] [--dir D]   every token and its node
            """, StatusCommand.RingAsync),
        new("token", """
              token --hex HEX | type:value... | - | --table ks.t values... [--host h:p] [--dir D]
                                            the Murmur3 token of a partition key ('-': hex keys on stdin)
            """, TokenCommand.RunAsync),
        new("endpoints", """
              endpoints [--host h:p] [--dir D] <ks> <table> <key values...>
                                            the nodes holding a partition's replicas
            """, EndpointsCommand.RunAsync, "getendpoints"),
        new("toppartitions", """
              toppartitions [--host h:p] [--dir D] [ks.table] [--top 10]
                                            the hottest partitions by writes and reads, cluster-wide and per node
            """, TopPartitionsCommand.RunAsync),
        new("flush", """
              flush [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            write memtables to SSTables (one node, else every live node)
            """, MaintenanceCommand.FlushAsync),
        new("compact", """
              compact [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            major compaction: each table's SSTables merged into one (one node, else every live node)
            """, MaintenanceCommand.CompactAsync),
        new("tablestats", """
              tablestats [--node N | --host h:p] [--dir D] [keyspace [table]]
                                            per table: SSTables, size, partitions, read/write latency (one node, else every live node)
            """, NodeInfoCommand.TableStatsAsync, "cfstats"),
        new("describecluster", """
              describecluster [--host h:p] [--dir D] [--node-timeout 5000]
                                            cluster name, partitioner, schema versions per node
            """, NodeInfoCommand.DescribeClusterAsync),
        new("add-node", """
              add-node [--dir .ringstore] [--timeout 900]
                                            start one more node for the local cluster in --dir; wait until it joined
            """, AddNodeCommand.RunAsync, "addnode"),
        new("decommission", """
              decommission --node N | --host h:p [--dir D] [--timeout 3600]
                                            the node streams its data away and leaves the ring (then exits)
            """, DecommissionCommand.RunAsync),
        new("removenode", """
              removenode <host id> [--host h:p] [--dir D] [--timeout 3600]
                                            a live node removes a dead node for good (host id from ringstore status)
            """, RemoveNodeCommand.RunAsync),
        new("cleanup", """
              cleanup [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            drop data a node no longer owns (one node, else every live node)
            """, CleanupCommand.RunAsync),
        new("verify", """
              verify [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            check every SSTable block's checksum (one node, else every live node); 1 if damaged
            """, VerifyCommand.RunAsync),
        new("scrub", """
              scrub [--node N | --host h:p] [--dir D] [--timeout 3600] [--all] [keyspace [table]]
                                            rewrite damaged SSTables (--all: every one) from their readable parts; 1 if data was dropped (then run repair)
            """, ScrubCommand.RunAsync),
        new("repair", """
              repair [--node N | --host h:p] [--dir D] [--pr] [--ranges start:end,...] [--timeout 86400] [keyspace [table]]
                                            compare replicas by Merkle trees and exchange the rows that differ (one node,
                                            else every live node in turn; --pr: primary ranges only); 1 if a range failed
              repair --history [--node N | --host h:p] [keyspace [table]]
                                            when each range was last repaired successfully
            """, RepairCommand.RunAsync),
        new("netstats", """
              netstats [--node N | --host h:p] [--dir D]
                                            mode and stream sessions (one node, else every live node)
            """, NetstatsCommand.RunAsync),
        new("snapshot", """
              snapshot [--tag T] [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            flush, then hard-link each table's live SSTables into snapshots/T with manifest.json
                                            and schema.cql (one node, else every live node; default tag: the time in ms)
            """, SnapshotCommand.SnapshotAsync),
        new("listsnapshots", """
              listsnapshots [--tag T] [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            each node's snapshots: table, tag, SSTables, size, true size (what clearing frees)
            """, SnapshotCommand.ListAsync),
        new("clearsnapshot", """
              clearsnapshot [--tag T] [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            delete snapshots (without --tag: every snapshot of the selection)
            """, SnapshotCommand.ClearAsync),
        new("restore", """
              restore --tag T [--node N | --host h:p] [--dir D] [--timeout 3600] [keyspace [table]]
                                            each node loads its snapshot T back into the live tables, one node at a time
                                            (a dropped table is re-created from the snapshot's schema.cql)
            """, SnapshotCommand.RestoreAsync),
        new("load", """
              load <snapshot folder | tag> [--contact h:p[,h:p] | --host h:p] [--dir D] [--keyspace ks --table t] [--consistency QUORUM] [--batch-kib 256] [--timeout 60]
                                            sstableloader: stream a snapshot's partitions (timestamps, TTLs, tombstones as stored) to their
                                            current replicas in any cluster; a tag finds every node's copy under --dir
            """, LoadCommand.RunAsync, "sstableloader"),
        new("simulate", """
              simulate [--seed N] [--seeds K] [--nodes 5] [--rf 3] [--duration 60s] [--faults crash,pause,partition,loss,disk,duplicate,reorder,join,leave,repair] [--keys 2] [--clients 3] [--bug NAME] [--trace-lines 200] [--storage engine|model]
                                            whole-cluster deterministic simulation on virtual time; 1 and the seed's trace on a violation
            """, SimulateCommand.RunAsync),
    ];

    public static string Usage { get; } =
        "usage: ringstore <command> [options]   (ringstore <command> --help: that command's help)\n"
        + string.Concat(Commands.Select(c => c.Help.TrimEnd() + "\n"))
        + Where;

    /// <summary>One command's help, or null when there is no such command.</summary>
    public static string? HelpFor(string command) =>
        Find(command) is { } c ? $"usage: ringstore {c.Help.Trim()}\n{Where}" : null;

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("error: no command given");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        string name = args[0];
        if (name is "help" or "--help" or "-h")
        {
            Console.WriteLine(args.Length > 1 && HelpFor(args[1]) is { } one ? one : Usage);
            return 0;
        }
        var command = Find(name);
        if (command is null)
        {
            await Console.Error.WriteLineAsync($"error: unknown command '{name}'");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        string[] rest;
        try
        {
            rest = Cluster.CliCredentials.TakeCredentialOptions(Cluster.CliTls.TakeCaOption(args[1..]));
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        if (rest.TakeWhile(a => a != "--").Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(HelpFor(name));
            return 0;
        }
        try
        {
            return await command.Run(rest);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            await Console.Error.WriteLineAsync(HelpFor(name));
            return 2;
        }
        catch (CommandFailedException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (RpcException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
        catch (RingStore.Client.RingStoreException e)
        {
            await Console.Error.WriteLineAsync($"error: {Shell.ShellErrorFormatter.Format(e)}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static Command? Find(string name) =>
        Commands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name, StringComparer.Ordinal));
}
