using System.Net;
using System.Net.Sockets;
using RingStore.Cli.CommandLine;
using RingStore.LocalCluster;

namespace RingStore.Cli.Cluster;

/// <summary>
/// Starts the local cluster of <c>ringstore up</c>, or reuses it: a directory with a cluster.json is the same
/// cluster again (same node count, ports and data), and nodes still running from it are kept rather than started
/// twice. Node processes outlive this one (they run in their own session); <c>ringstore down</c> stops them.
/// </summary>
public static class ClusterLauncher
{
    /// <summary>The cluster's gRPC endpoints and whether this call started any node.</summary>
    public sealed record Result(IReadOnlyList<string> GrpcEndpoints, int StartedNodes, string? CaFile = null);

    public static async Task<Result> UpAsync(LaunchSettings settings, TextWriter log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var state = RingStore.LocalCluster.LocalCluster.LoadState(settings.DataRoot);
        var options = Options(settings, state);
        var cluster = new RingStore.LocalCluster.LocalCluster(options);
        var endpoints = cluster.GrpcEndpoints.ToList();

        var alive = Enumerable.Range(0, options.Nodes)
            .Select(i => state is not null && i < state.Pids.Length && NodeProcessProbe.IsOurNode(state.Pids[i], settings.DataRoot))
            .ToArray();
        // Removed nodes (decommissioned, removed, died while joining) are not part of the cluster any more.
        var active = Enumerable.Range(0, options.Nodes).Where(i => state is null || !state.IsRemoved(i)).ToList();
        var toStart = active.Where(i => !alive[i]).ToList();
        if (toStart.Count == 0)
        {
            await log.WriteLineAsync($"Cluster in {settings.DataRoot} is already running.");
            return new Result(active.Select(i => endpoints[i]).ToList(), 0, options.CaFile);
        }
        foreach (int i in toStart) EnsurePortsFree(options.ForNode(i));

        await log.WriteLineAsync(state is null
            ? $"Starting {options.Nodes} nodes in {settings.DataRoot} (internode {options.InternodeBasePort}+, gRPC {options.GrpcBasePort}+, CQL native {options.NativeBasePort}+)..."
            : $"Restarting {toStart.Count} of {active.Count} nodes in {settings.DataRoot} with their data...");
        if (state is null) Directory.CreateDirectory(settings.DataRoot);
        try
        {
            if (toStart.Count == active.Count)
            {
                // Nothing runs: the first node first (node 0 is every node's seed), then the others.
                cluster.StartNode(toStart[0]);
                await cluster.Nodes[toStart[0]].WaitUntilReadyAsync(1, settings.StartTimeout, ct);
                foreach (int i in toStart.Skip(1)) cluster.StartNode(i);
            }
            else
            {
                foreach (int i in toStart) cluster.StartNode(i);
            }
            foreach (int i in toStart) await cluster.Nodes[i].WaitUntilReadyAsync(active.Count, settings.StartTimeout, ct);
        }
        catch
        {
            cluster.Dispose(); // do not leave half a cluster behind: the nodes this call started are stopped...
            cluster.SaveState(); // ...and cluster.json still records every node that runs (the ones it did not start)
            throw;
        }
        cluster.SaveState();
        return new Result(active.Select(i => endpoints[i]).ToList(), toStart.Count, options.CaFile);
    }

    public static LocalClusterOptions Options(LaunchSettings settings, LocalClusterState? state)
    {
        // A cluster started with --tls keeps its tls/ directory: it stays a TLS cluster on every later start.
        bool recordedTls = File.Exists(Path.Combine(settings.DataRoot, "tls", RingStore.LocalCluster.LocalClusterCertificates.CaFileName));
        if (state is not null)
        {
            if (settings.Tls && !recordedTls)
                throw new UsageException($"{settings.DataRoot} holds a cluster without TLS; use another --dir for a TLS cluster");
            int activeNodes = state.ActiveNodes.Count();
            if (settings.Nodes is { } n && n != activeNodes)
                throw new UsageException($"{settings.DataRoot} holds a {activeNodes}-node cluster; leave out --nodes, or use another --dir for {n} nodes " +
                    "(add-node and decommission change a cluster's size)");
            if ((settings.InternodeBasePort is { } b && b != state.InternodeBasePort) || (settings.GrpcBasePort is { } g && g != state.GrpcBasePort))
                throw new UsageException($"{settings.DataRoot} holds a cluster on ports {state.InternodeBasePort}+/{state.GrpcBasePort}+; use another --dir for other ports");
            return new LocalClusterOptions
            {
                Nodes = state.Pids.Length,
                ListenAddress = state.ListenAddress,
                InternodeBasePort = state.InternodeBasePort,
                GrpcBasePort = state.GrpcBasePort,
                // A cluster recorded before the native protocol had gRPC where native goes now: leave native off there.
                NativeBasePort = state.GrpcBasePort == state.InternodeBasePort + LaunchSettings.NativePortOffset
                    ? null : state.InternodeBasePort + LaunchSettings.NativePortOffset,
                DataRoot = settings.DataRoot,
                ClusterName = state.ClusterName,
                SeedNode = state.ActiveNodes.DefaultIfEmpty(0).First(), // node 0, unless it left the cluster
                Tls = recordedTls,
            };
        }
        int basePort = settings.InternodeBasePort ?? LaunchSettings.DefaultInternodeBasePort;
        return new LocalClusterOptions
        {
            Nodes = settings.Nodes ?? LaunchSettings.DefaultNodes,
            InternodeBasePort = basePort,
            GrpcBasePort = settings.GrpcBasePort ?? basePort + LaunchSettings.GrpcPortOffset,
            NativeBasePort = basePort + LaunchSettings.NativePortOffset,
            DataRoot = settings.DataRoot,
            Tls = settings.Tls,
        };
    }

    // A port held by something else would make a node fail to bind, or worse, make us talk to a stranger.
    public static void EnsurePortsFree(NodeProcessOptions node)
    {
        foreach (int port in new[] { node.InternodePort, node.GrpcPort, node.NativePort }.Where(p => p != 0))
        {
            try
            {
                var listener = new TcpListener(IPAddress.Parse(node.ListenAddress), port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException)
            {
                throw new UsageException($"port {port} on {node.ListenAddress} is in use (node {node.Index}); pick others with --base-port/--grpc-port");
            }
        }
    }
}
