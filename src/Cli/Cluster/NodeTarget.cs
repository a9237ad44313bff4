using System.Globalization;
using RingStore.Cli.CommandLine;
using RingStore.LocalCluster;

namespace RingStore.Cli.Cluster;

/// <summary>
/// The one node a topology command talks to: <c>--node N</c> (node N of the local cluster recorded in --dir) or
/// <c>--host h:p</c> (any node's gRPC address). <see cref="LocalIndex"/> is the node's index in the local cluster
/// when it belongs to it (also for a --host that is one of its addresses), so the command can update cluster.json.
/// </summary>
public sealed record NodeTarget(string GrpcEndpoint, int? LocalIndex, LocalClusterState? State, string Directory)
{
    public string Describe() => LocalIndex is { } i ? $"node {i.ToString(CultureInfo.InvariantCulture)} ({GrpcEndpoint})" : GrpcEndpoint;

    /// <summary>Whether the local node's process runs (true when it is not a local node: we cannot tell).</summary>
    public bool ProcessRunning => LocalIndex is not { } i || State is null || NodeProcessProbe.IsOurNode(State.Pids[i], Directory);

    /// <summary>The named node, or null when neither --node nor --host is given.</summary>
    /// <exception cref="UsageException">Both given, or a malformed value.</exception>
    /// <exception cref="CommandFailedException">--node names no node of the local cluster.</exception>
    public static NodeTarget? Resolve(CliArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? node = args.Get("--node");
        string? host = args.Get("--host");
        if (node is not null && host is not null) throw new UsageException("give --node N or --host h:p, not both");
        string dir = ClusterAddress.Directory(args);
        if (host is not null)
        {
            string endpoint = ParseHost(host);
            var local = RingStore.LocalCluster.LocalCluster.LoadState(dir);
            int? index = local?.ActiveNodes.Where(i => local.GrpcEndpoint(i) == endpoint).Select(i => (int?)i).FirstOrDefault();
            return new NodeTarget(endpoint, index, local, dir);
        }
        if (node is null) return null;
        if (!int.TryParse(node, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new UsageException($"--node needs a node number (0, 1, ...), got '{node}'");
        var state = RingStore.LocalCluster.LocalCluster.LoadState(dir)
            ?? throw new CommandFailedException($"no cluster in {dir} (no {RingStore.LocalCluster.LocalCluster.StateFileName}); start one with ringstore up, or name the node with --host h:p");
        if (n >= state.NodeCount)
            throw new CommandFailedException($"unknown node {n}: the cluster in {dir} has nodes 0 to {state.NodeCount - 1}");
        if (state.IsRemoved(n)) throw new CommandFailedException($"node {n} was removed from the cluster in {dir}");
        return new NodeTarget(state.GrpcEndpoint(n), n, state, dir);
    }

    /// <summary>One <c>host:port</c> with a valid port.</summary>
    public static string ParseHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string trimmed = host.Trim();
        int colon = trimmed.LastIndexOf(':');
        if (colon <= 0 || trimmed.Contains(',', StringComparison.Ordinal)
            || !int.TryParse(trimmed[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new UsageException($"--host needs one host:port, got '{host}'");
        return trimmed;
    }
}
