using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Cluster.Tests;

/// <summary>
/// N real RingStore.Node processes on 127.0.0.1 (through <see cref="LocalCluster.LocalCluster"/>) with ports the kernel
/// handed out as free, a unique cluster name, fast gossip and data in a fresh temp directory. Dispose SIGKILLs every
/// node still running and deletes the directory, whatever the test's outcome.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    /// <summary>Upper bound for anything that should take a second or two; only reached when something is broken.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly LocalCluster.LocalCluster _cluster;
    private readonly GrpcChannel[] _channels;
    private readonly RingStoreApi.RingStoreApiClient[] _clients;
    private readonly List<GrpcChannel> _retiredChannels = [];

    private ProcessCluster(LocalCluster.LocalCluster cluster)
    {
        _cluster = cluster;
        _channels = cluster.Nodes.Select(OpenChannel).ToArray();
        _clients = _channels.Select(NewClient).ToArray();
    }

    /// <summary>A client on the channel, logged in as the cluster's superuser when the nodes run the password authenticator.</summary>
    private RingStoreApi.RingStoreApiClient NewClient(GrpcChannel channel) =>
        new(RingStore.Client.Auth.ClientCredentials.Apply(channel.CreateCallInvoker(), _cluster.Options.Credentials));

    // https trusting the cluster's CA when the cluster runs TLS.
    private static GrpcChannel OpenChannel(NodeProcess node) =>
        NodeProcess.OpenChannel(node.Options, new GrpcChannelOptions
        {
            MaxSendMessageSize = null,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });

    public LocalClusterOptions Options => _cluster.Options;

    public int Count => _cluster.Nodes.Count;

    public IReadOnlyList<RingStoreApi.RingStoreApiClient> Clients => _clients;

    public NodeProcess Node(int index) => _cluster.Nodes[index];

    public RingStoreApi.RingStoreApiClient Client(int index) => _clients[index];

    /// <summary>Node settings every test gets unless it overrides them: fast gossip so conviction takes seconds, few tokens.</summary>
    public static IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["GossipInterval"] = "00:00:00.200",
        ["NumTokens"] = "16",
        ["HintThrottleKiBPerSecond"] = "0",
        ["MemtableBudgetMiB"] = "16",
    };

    /// <param name="native">Also give every node a CQL native-protocol port (off otherwise).</param>
    /// <param name="tls">Client and internode TLS with a throwaway CA in DataRoot/tls (<see cref="LocalClusterCertificates"/>).</param>
    /// <param name="metrics">Also give every node a Prometheus /metrics port (off otherwise).</param>
    /// <param name="auth">The password authenticator on every node; the cluster's own clients log in as cassandra/cassandra.</param>
    public static async Task<ProcessCluster> StartAsync(int nodes = 3, IReadOnlyDictionary<string, string>? settings = null, bool native = false,
        bool tls = false, bool metrics = false, bool auth = false)
    {
        var merged = new Dictionary<string, string>(DefaultSettings);
        if (auth) merged["Authenticator"] = "password";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) merged[key] = value;
        var ports = FreePorts.Take(nodes * (2 + (native ? 1 : 0) + (metrics ? 1 : 0)));
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var options = new LocalClusterOptions
        {
            Nodes = nodes,
            DataRoot = Path.Combine(Path.GetTempPath(), "ringstore-proc-" + suffix),
            ClusterName = "proc-" + suffix,
            InternodePorts = ports.Take(nodes).ToArray(),
            GrpcPorts = ports.Skip(nodes).Take(nodes).ToArray(),
            NativePorts = native ? ports.Skip(2 * nodes).Take(nodes).ToArray() : null,
            MetricsPorts = metrics ? ports.Skip((native ? 3 : 2) * nodes).Take(nodes).ToArray() : null,
            ExtraSettings = merged,
            Tls = tls,
            Credentials = auth ? new RingStore.Client.Auth.ClientCredentials("cassandra", "cassandra") : null,
        };
        var cluster = new ProcessCluster(new LocalCluster.LocalCluster(options));
        try
        {
            await cluster._cluster.StartAsync(Patience);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no flush, no gossip goodbye.</summary>
    public void Kill(int index) => Node(index).Kill();

    /// <summary>SIGTERM and wait for the clean exit.</summary>
    public Task StopAsync(int index) => Node(index).StopAsync(Patience);

    /// <summary>Starts a stopped node on its old data directory and waits until it sees <paramref name="expectedUp"/> nodes up.</summary>
    public async Task RestartAsync(int index, int expectedUp)
    {
        _cluster.StartNode(index);
        await Node(index).WaitUntilReadyAsync(expectedUp, Patience);
        // A fresh channel: the old one kept reconnecting to the dead process, and after refused connects it fails
        // calls at once ("Error connecting to subchannel") until its reconnect backoff runs out, even with the node back.
        // The old one is disposed with the cluster, not now: a load may still have a call in flight on it.
        _retiredChannels.Add(_channels[index]);
        _channels[index] = OpenChannel(Node(index));
        _clients[index] = NewClient(_channels[index]);
    }

    public static CallOptions Call(double seconds = 10) => new(deadline: DateTime.UtcNow.AddSeconds(seconds));

    /// <summary>How <paramref name="observer"/> sees the node at index <paramref name="subject"/> (null: not in its ring).</summary>
    public async Task<NodeDescription?> DescribeAsync(int observer, int subject)
    {
        var ring = await Client(observer).DescribeRingAsync(new DescribeRingRequest(), Call());
        return ring.Nodes.FirstOrDefault(n => n.Endpoint == Node(subject).Options.InternodeEndpoint);
    }

    /// <summary>Polls until the condition holds; fails with <paramref name="what"/> after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting until {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="observer"/> sees every node in <paramref name="subjects"/> DOWN.</summary>
    public Task WaitUntilSeenDownAsync(int observer, params int[] subjects) =>
        WaitUntilAsync(async () =>
        {
            foreach (int s in subjects)
            {
                if (await DescribeAsync(observer, s) is { Liveness: not "DOWN" }) return false;
            }
            return true;
        }, $"node {observer} sees nodes {string.Join(",", subjects)} DOWN");

    /// <summary>Creates keyspace <paramref name="keyspace"/> (SimpleStrategy) on node 0 and waits until every running node has it.</summary>
    public async Task CreateKeyspaceAsync(string keyspace, int replicationFactor)
    {
        await Client(0).CreateKeyspaceAsync(new CreateKeyspaceRequest
        {
            Name = keyspace,
            Replication = new Replication { Class = "SimpleStrategy", ReplicationFactor = replicationFactor },
        }, Call());
        await WaitForSchemaAsync(s => s.Keyspaces.Any(k => k.Name == keyspace), $"every node has keyspace {keyspace}");
    }

    /// <summary>Creates a table through node 0 and waits until every running node has it.</summary>
    public async Task CreateTableAsync(CreateTableRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        await Client(0).CreateTableAsync(request, Call());
        await WaitForSchemaAsync(s => s.Tables.Any(t => t.Keyspace == request.Keyspace && t.Name == request.Name),
            $"every node has table {request.Keyspace}.{request.Name}");
    }

    private Task WaitForSchemaAsync(Func<DescribeSchemaResponse, bool> has, string what) =>
        WaitUntilAsync(async () =>
        {
            for (int i = 0; i < Count; i++)
            {
                if (!Node(i).IsRunning) continue;
                if (!has(await Client(i).DescribeSchemaAsync(new DescribeSchemaRequest(), Call()))) return false;
            }
            return true;
        }, what);

    /// <summary>The node's log so far (it is appended to by the running process, so read it shared).</summary>
    public string Log(int index)
    {
        using var stream = new FileStream(Node(index).LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public override string ToString() => _cluster.ToString();

    public string Describe(int index) =>
        string.Format(CultureInfo.InvariantCulture, "node{0} ({1})", index, Node(index).Options.InternodeEndpoint);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _cluster.Dispose(); // SIGKILL whatever still runs: a test's clean stops happen inside the test
        }
        finally
        {
            foreach (var channel in _channels.Concat(_retiredChannels)) channel.Dispose();
            // For post-mortems: RINGSTORE_TEST_KEEP_DATA=1 keeps the node logs and data.
            if (Environment.GetEnvironmentVariable("RINGSTORE_TEST_KEEP_DATA") != "1") await DeleteWithRetriesAsync(Options.DataRoot);
        }
    }

    private static async Task DeleteWithRetriesAsync(string path)
    {
        for (int attempt = 0; attempt < 5 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException) when (attempt < 4)
            {
                await Task.Delay(200); // a just-killed process may still be releasing files
            }
        }
    }
}
