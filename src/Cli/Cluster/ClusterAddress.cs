using RingStore.Cli.CommandLine;

namespace RingStore.Cli.Cluster;

/// <summary>
/// Where the tools find the cluster: <c>--host h:p[,h:p...]</c>, else the gRPC ports of the local cluster recorded
/// in <c>--dir</c> (default ./.ringstore) by <c>ringstore up</c>, else 127.0.0.1:9160.
/// </summary>
public static class ClusterAddress
{
    public const string DefaultDirectory = ".ringstore";
    public const string DefaultHost = "127.0.0.1:9160";

    public static string Directory(CliArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return Path.GetFullPath(args.Get("--dir") ?? DefaultDirectory);
    }

    public static IReadOnlyList<string> ContactPoints(CliArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Get("--host") is { } hosts)
        {
            var list = hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (list.Count == 0 || list.Any(h => !h.Contains(':', StringComparison.Ordinal)))
                throw new UsageException($"--host needs host:port (comma-separated for several), got '{hosts}'");
            return list;
        }
        var state = RingStore.LocalCluster.LocalCluster.LoadState(Directory(args));
        if (state is not null)
            return state.ActiveNodes.Select(state.GrpcEndpoint).ToList();
        return [DefaultHost];
    }
}
