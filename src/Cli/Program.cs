using RingStore.Cli.CommandLine;
using RingStore.Cli.Commands;

namespace RingStore.Cli;

/// <summary>Entry point of the `ringstore` command: dispatches to one class per sub-command. Exit codes: 0 ok, 1 failed, 2 usage.</summary>
public static class Program
{
    public const string Usage = """
        usage: ringstore <command> [options]
          up [--nodes 3] [--rf 3] [--detach] [--dir .ringstore] [--base-port 7000] [--grpc-port 9042] [--no-sample]
                                        start (or restart) a local cluster, load the sample table, open the shell
          down [--dir .ringstore]       stop the local cluster (the data stays)
          demo [same options as up]     up without the shell: run sample queries, then stop the nodes it started
          shell [--host h:p] [-k ks] [-e "stmt"] [-f file] [--timing]
                                        the CQL shell (-e/-f: run and exit, 1 if a statement failed)
          status [keyspace]             nodes: state, address, load, tokens, ownership, host id, rack
          ring                          every token and its node
          token --hex HEX | type:value... | - | --table ks.t values...
                                        the Murmur3 token of a partition key ('-': hex keys on stdin)
          endpoints <ks> <table> <key values...>
                                        the nodes holding a partition's replicas
          toppartitions [ks.table] [--top 10]
                                        the hottest partitions by writes and reads, cluster-wide and per node
        Cluster commands find the nodes with --host h:p[,h:p] or the cluster recorded in --dir (default ./.ringstore).
        """;

    public static async Task<int> Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "help";
        string[] rest = args.Skip(1).ToArray();
        try
        {
            return command switch
            {
                "up" => await UpCommand.RunAsync(rest, demo: false),
                "demo" => await UpCommand.RunAsync(rest, demo: true),
                "down" => await DownCommand.RunAsync(rest),
                "shell" or "cqlsh" => await ShellCommand.RunAsync(rest),
                "status" => await StatusCommand.StatusAsync(rest),
                "ring" => await StatusCommand.RingAsync(rest),
                "token" => await TokenCommand.RunAsync(rest),
                "endpoints" or "getendpoints" => await EndpointsCommand.RunAsync(rest),
                "toppartitions" => await TopPartitionsCommand.RunAsync(rest),
                "help" or "--help" or "-h" => Help(),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }
}
