using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RingStore.Core.Schema;
using RingStore.Node.Hosting;
using RingStore.Node.Schema;

namespace RingStore.Node.Tests.Cluster;

/// <summary>
/// Several <see cref="RingStoreNode"/>s in this test process, each with its own real TCP port and data directory,
/// gossiping fast (100 ms) so tests converge in about a second. Dispose stops every node and deletes the data.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly List<RingStoreNode?> _nodes;
    private readonly List<WebApplication?> _hosts;
    private readonly string _root;

    private InProcessCluster(NodeOptions[] options, string root)
    {
        Options = [.. options];
        _nodes = [.. new RingStoreNode?[options.Length]];
        _hosts = [.. new WebApplication?[options.Length]];
        _root = root;
    }

    public List<NodeOptions> Options { get; }

    public int Count => _nodes.Count;

    /// <summary>
    /// Starts one more node with an empty data directory, seeded from node 0: it bootstraps into the ring. Returns its
    /// index once the node runs (its bootstrap continues in the background: <see cref="RingStoreNode.Bootstrap"/>).
    /// </summary>
    public async Task<int> AddNodeAsync(Action<NodeOptions>? configure = null)
    {
        var template = Options[0];
        var free = FreePorts.Take(2);
        var options = new NodeOptions
        {
            ClusterName = template.ClusterName,
            InternodePort = free[0],
            GrpcPort = free[1],
            Seeds = template.Seeds,
            DataDirectory = Path.Combine(_root, $"node{Count}"),
            NumTokens = template.NumTokens,
            GossipInterval = template.GossipInterval,
            WriteTimeout = template.WriteTimeout,
            ReadTimeout = template.ReadTimeout,
            HintThrottleKiBPerSecond = template.HintThrottleKiBPerSecond,
            MemtableBudgetMiB = template.MemtableBudgetMiB,
        };
        configure?.Invoke(options);
        Options.Add(options);
        _nodes.Add(null);
        _hosts.Add(null);
        await StartNodeAsync(Count - 1);
        return Count - 1;
    }

    public RingStoreNode this[int index] => _nodes[index] ?? throw new InvalidOperationException($"Node {index} is stopped.");

    /// <summary>When true, nodes run inside the real host (Program.Build: Kestrel + gRPC), as in the process.</summary>
    public bool WithGrpc { get; private init; }

    public string GrpcAddress(int index) => Options[index].GrpcEndpoint;

    public static async Task<InProcessCluster> StartAsync(int count, Action<int, NodeOptions>? configure = null, bool withGrpc = false)
    {
        string root = Path.Combine(Path.GetTempPath(), "ringstore-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        var free = FreePorts.Take(count * 3); // distinct: internode, gRPC and native of every node
        var ports = Enumerable.Range(0, count).Select(i => (Internode: free[3 * i], Grpc: free[3 * i + 1], Native: free[3 * i + 2])).ToArray();
        string seeds = $"127.0.0.1:{ports[0].Internode}";
        var options = new NodeOptions[count];
        for (int i = 0; i < count; i++)
        {
            options[i] = new NodeOptions
            {
                ClusterName = "test-cluster",
                InternodePort = ports[i].Internode,
                GrpcPort = ports[i].Grpc,
                NativePort = ports[i].Native,
                Seeds = seeds,
                DataDirectory = Path.Combine(root, $"node{i}"),
                NumTokens = 16,
                GossipInterval = TimeSpan.FromMilliseconds(100),
                WriteTimeout = TimeSpan.FromSeconds(2),
                ReadTimeout = TimeSpan.FromSeconds(2),
                HintThrottleKiBPerSecond = 0,
                MemtableBudgetMiB = 8,
            };
            configure?.Invoke(i, options[i]);
        }
        var cluster = new InProcessCluster(options, root) { WithGrpc = withGrpc };
        try
        {
            for (int i = 0; i < count; i++) await cluster.StartNodeAsync(i);
            await cluster.WaitUntilAsync(() => cluster.AllSeeAllUp(), TimeSpan.FromSeconds(60), "every node sees every other node up");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task StartNodeAsync(int index)
    {
        if (_nodes[index] is not null) throw new InvalidOperationException($"Node {index} is already running.");
        if (!WithGrpc)
        {
            _nodes[index] = await RingStoreNode.StartAsync(Options[index], NullLoggerFactory.Instance);
            return;
        }
        var host = Program.Build([.. ToArguments(Options[index]), "--Logging:LogLevel:Default=Warning"]);
        await host.StartAsync();
        _hosts[index] = host;
        _nodes[index] = host.Services.GetRequiredService<NodeAccessor>().Node;
    }

    /// <summary>Clean stop (gossip announces the shutdown, so peers mark it down at once); its data stays.</summary>
    public async Task StopNodeAsync(int index)
    {
        var node = _nodes[index];
        var host = _hosts[index];
        _nodes[index] = null;
        _hosts[index] = null;
        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
        else if (node is not null)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>The node's settings as command-line switches (every public property, invariant culture).</summary>
    public static IEnumerable<string> ToArguments(NodeOptions options) =>
        typeof(NodeOptions).GetProperties()
            .Where(p => p.CanWrite)
            .Select(p => $"--RingStore:{p.Name}={Convert.ToString(p.GetValue(options), System.Globalization.CultureInfo.InvariantCulture)}");

    public bool IsRunning(int index) => _nodes[index] is not null;

    public string Endpoint(int index) => Options[index].InternodeEndpoint;

    public bool AllSeeAllUp() =>
        Enumerable.Range(0, Count).Where(IsRunning).All(i =>
            Enumerable.Range(0, Count).Where(IsRunning).All(j => this[i].Membership.Find(Endpoint(j)) is { IsAlive: true, Tokens.Count: > 0 }));

    /// <summary>True when every running node sees node <paramref name="index"/> as down.</summary>
    public bool AllSeeDown(int index) =>
        Enumerable.Range(0, Count).Where(i => i != index && IsRunning(i)).All(i => this[i].Membership.Find(Endpoint(index)) is not { IsAlive: true });

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Creates keyspace ks (SimpleStrategy, RF) and a table t(pk bigint, ck int, v text) on node 0; waits until every running node has it.</summary>
    /// <param name="options">the table's options (tests that damage values found in Data files turn compression off).</param>
    public async Task<TableSchema> CreateSampleTableAsync(int replicationFactor = 3, string keyspace = "ks", string table = "t", TableOptions? options = null)
    {
        var node = this[0];
        node.Schema.CreateKeyspace(KeyspaceDefinition.Simple(keyspace, replicationFactor), ifNotExists: true);
        var schema = new TableSchema(keyspace, table,
            [new ColumnDefinition("pk", ColumnType.BigInt)],
            [new ClusteringColumn("ck", ColumnType.Int)],
            [new ColumnDefinition("v", ColumnType.Text)],
            options);
        node.Schema.CreateTable(schema, ifNotExists: true);
        await node.AnnounceSchemaAsync(CancellationToken.None);
        await WaitUntilAsync(() => Enumerable.Range(0, Count).Where(IsRunning).All(i => this[i].Schema.Current.TryGetTable(keyspace, table, out _)),
            TimeSpan.FromSeconds(10), $"every node has {keyspace}.{table}");
        node.Schema.Current.TryGetTable(keyspace, table, out var created);
        return created!;
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = 0; i < _nodes.Count; i++)
        {
            try { await StopNodeAsync(i); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
