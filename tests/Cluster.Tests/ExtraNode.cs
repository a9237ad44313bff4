using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// One more node process for a <see cref="ProcessCluster"/>: fresh ports, its own data directory under the cluster's
/// root, seeded from node 0, so it bootstraps (or, with --replace, replaces a dead node). Disposing SIGKILLs it.
/// </summary>
public sealed class ExtraNode : IDisposable
{
    private readonly GrpcChannel _channel;

    public ExtraNode(ProcessCluster cluster, string name, IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null,
        IReadOnlyList<int>? ports = null, string? caFile = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        Ports = ports ?? FreePorts.Take(2);
        var merged = new Dictionary<string, string>(ProcessCluster.DefaultSettings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) merged[key] = value;
        Process = new NodeProcess(new NodeProcessOptions(cluster.Count + 10, "127.0.0.1", Ports[0], Ports[1],
            dataDirectory ?? Path.Combine(cluster.Options.DataRoot, name), cluster.Node(0).Options.InternodeEndpoint, cluster.Options.ClusterName)
        {
            ExtraSettings = merged,
            CaFile = caFile,
        });
        _channel = NodeProcess.OpenChannel(Process.Options);
        Client = new RingStoreApi.RingStoreApiClient(_channel);
    }

    public IReadOnlyList<int> Ports { get; }

    public NodeProcess Process { get; }

    public RingStoreApi.RingStoreApiClient Client { get; }

    public string Endpoint => Process.Options.InternodeEndpoint;

    public void Start() => Process.Start(NodeBinary.Locate());

    public string Log() => NodeProcess.Tail(Process.LogPath, 400);

    public void Dispose()
    {
        Process.Dispose();
        _channel.Dispose();
    }
}
