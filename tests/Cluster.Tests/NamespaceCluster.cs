using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// One RingStore.Node process per host of a <see cref="NamespaceNetwork"/>, run with <c>ip netns exec</c>, each with
/// the default ports (7000 internode, 9160 gRPC, 9042 CQL: every host has its own addresses, so nothing can collide)
/// and the node settings a test gives per host (listen/broadcast/rpc addresses, seeds by host name). The test process
/// reaches each node's gRPC at the host's address. Disposing SIGKILLs every node it started (by pid) and deletes the
/// data directory (RINGSTORE_TEST_KEEP_DATA=1 keeps it).
/// </summary>
public sealed class NamespaceCluster : IAsyncDisposable
{
    public const int InternodePort = 7000;
    public const int GrpcPort = 9160;
    public const int NativePort = 9042;

    private readonly NamespaceNetwork _network;
    private readonly NodeProcess[] _nodes;
    private readonly GrpcChannel[] _channels;

    /// <param name="settings">Per host, node settings (RingStore:* keys) on top of <see cref="ProcessCluster.DefaultSettings"/>.</param>
    /// <param name="seeds">The --seeds value every node gets (host names resolve through the namespaces' hosts files).</param>
    public NamespaceCluster(NamespaceNetwork network, string seeds, Func<int, IReadOnlyDictionary<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(settings);
        _network = network;
        string suffix = Guid.NewGuid().ToString("N")[..8];
        DataRoot = Path.Combine(Path.GetTempPath(), "ringstore-hosts-" + suffix);
        _nodes = new NodeProcess[network.Count];
        for (int i = 0; i < network.Count; i++)
        {
            var merged = new Dictionary<string, string>(ProcessCluster.DefaultSettings);
            foreach (var (key, value) in settings(i)) merged[key] = value;
            // The record's ListenAddress is where the test reaches the node (its host's address); a ListenAddress in
            // the settings comes later on the command line and wins for the node itself (e.g. 0.0.0.0 or a host name).
            _nodes[i] = new NodeProcess(new NodeProcessOptions(i, network.Address(i), InternodePort, GrpcPort, Path.Combine(DataRoot, $"node{i}"),
                seeds, "hosts-" + suffix)
            {
                NativePort = NativePort,
                ExtraSettings = merged,
            });
        }
        _channels = [.. _nodes.Select(n => NodeProcess.OpenChannel(n.Options, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 }))];
        Clients = [.. _channels.Select(c => new RingStoreApi.RingStoreApiClient(c))];
    }

    public string DataRoot { get; }

    public int Count => _nodes.Length;

    public IReadOnlyList<RingStoreApi.RingStoreApiClient> Clients { get; }

    public NodeProcess Node(int index) => _nodes[index];

    /// <summary>Starts the first node (the seed), then the others, and waits until every node sees all of them UP.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        string dll = NodeBinary.Locate();
        _nodes[0].Start(dll, _network.Exec(0));
        await _nodes[0].WaitUntilReadyAsync(1, timeout);
        for (int i = 1; i < Count; i++) _nodes[i].Start(dll, _network.Exec(i));
        foreach (var node in _nodes) await node.WaitUntilReadyAsync(Count, timeout);
    }

    /// <summary>How <paramref name="observer"/> sees the node at index <paramref name="subject"/> (null: not in its ring).</summary>
    public async Task<NodeDescription?> DescribeAsync(int observer, int subject)
    {
        var ring = await Clients[observer].DescribeRingAsync(new DescribeRingRequest(), ProcessCluster.Call());
        string endpoint = $"{_network.Address(subject)}:{InternodePort}";
        return ring.Nodes.FirstOrDefault(n => n.Endpoint == endpoint);
    }

    public string Log(int index) => NodeProcess.Tail(_nodes[index].LogPath, 60);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose(); // SIGKILL by the pid started here
        foreach (var channel in _channels) channel.Dispose();
        if (Environment.GetEnvironmentVariable("RINGSTORE_TEST_KEEP_DATA") == "1") return;
        for (int attempt = 0; attempt < 5 && Directory.Exists(DataRoot); attempt++)
        {
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (IOException) when (attempt < 4)
            {
                await Task.Delay(200); // a just-killed process may still be releasing files
            }
        }
    }
}
