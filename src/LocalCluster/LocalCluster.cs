using System.Globalization;
using System.Text.Json;

namespace RingStore.LocalCluster;

/// <summary>
/// N node processes on this machine. Writes DataRoot/cluster.json (ports and pids) so `ringstore down` and a later
/// `ringstore up` on the same directory find the same cluster. Dispose kills whatever is still running.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    public const string StateFileName = "cluster.json";
    private readonly string _nodeDll;

    public LocalCluster(LocalClusterOptions options, string? nodeDll = null)
    {
        Options = options;
        _nodeDll = nodeDll ?? NodeBinary.Locate();
        Nodes = Enumerable.Range(0, options.Nodes).Select(i => new NodeProcess(options.ForNode(i))).ToArray();
        // The CA exists from here on, so callers can open https channels before the nodes start.
        if (options.Tls)
        {
            foreach (var node in Nodes) LocalClusterCertificates.Ensure(options.TlsDirectory, node.Options.Index, options.ListenAddress);
        }
    }

    public LocalClusterOptions Options { get; }

    public IReadOnlyList<NodeProcess> Nodes { get; }

    public IEnumerable<string> GrpcEndpoints => Nodes.Select(n => n.Options.GrpcEndpoint);

    /// <summary>Starts every node (seed first) and waits until each sees all of them up.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Options.DataRoot);
        foreach (var node in Nodes)
        {
            if (Options.Tls) LocalClusterCertificates.Ensure(Options.TlsDirectory, node.Options.Index, Options.ListenAddress);
            node.Start(_nodeDll);
            if (node.Options.Index == 0) await node.WaitUntilReadyAsync(1, timeout, ct).ConfigureAwait(false);
        }
        SaveState();
        foreach (var node in Nodes) await node.WaitUntilReadyAsync(Nodes.Count, timeout, ct).ConfigureAwait(false);
    }

    public void StartNode(int index)
    {
        if (Options.Tls) LocalClusterCertificates.Ensure(Options.TlsDirectory, index, Options.ListenAddress);
        Nodes[index].Start(_nodeDll);
        SaveState();
    }

    public async Task StopAsync(TimeSpan timeoutPerNode)
    {
        foreach (var node in Nodes.Reverse()) await node.StopAsync(timeoutPerNode).ConfigureAwait(false);
        SaveState();
    }

    /// <summary>
    /// Records the nodes' pids in cluster.json. A node this object never started keeps the pid the file already
    /// records (another `ringstore up` may have started it: restarting one node must not forget the others), and
    /// the file's removed marks stay.
    /// </summary>
    public void SaveState()
    {
        var previous = LoadState(Options.DataRoot);
        var pids = Nodes.Select((n, i) => n.Pid ?? (!n.WasStarted && previous is not null && i < previous.Pids.Length ? previous.Pids[i] : 0)).ToArray();
        bool[]? removed = previous?.Removed is { } r ? Enumerable.Range(0, Nodes.Count).Select(i => i < r.Length && r[i]).ToArray() : null;
        new LocalClusterState(Options.ClusterName, Options.ListenAddress, Options.InternodePort(0), Options.GrpcPort(0), pids, removed).Save(Options.DataRoot);
    }

    public static LocalClusterState? LoadState(string dataRoot)
    {
        string path = Path.Combine(dataRoot, StateFileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<LocalClusterState>(File.ReadAllText(path), LocalClusterState.JsonOptions) : null;
    }

    public override string ToString() =>
        string.Join(Environment.NewLine, Nodes.Select(n => string.Format(CultureInfo.InvariantCulture, "node{0}: gRPC {1}, internode {2}, pid {3}",
            n.Options.Index, n.Options.GrpcEndpoint, n.Options.InternodeEndpoint, n.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-")));

    public void Dispose()
    {
        foreach (var node in Nodes) node.Dispose();
    }
}
