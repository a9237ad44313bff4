using Google.Protobuf;
using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.Client.Sessions;

namespace RingStore.Bench.Cluster;

/// <summary>
/// The requests of the cluster benchmark, over one gRPC channel per node shared by every loop. With sessions (the
/// default, as the SDK sends Mutate/Read) every loop's calls to a node share one Session stream; with unary calls each
/// request is its own HTTP/2 stream. Each loop reuses its own request objects: a loop has one call in flight at a
/// time and the request is serialized before its response arrives, so only the key changes. Requests go to the nodes
/// round-robin (no token awareness; with RF = nodes every node is a replica anyway).
/// </summary>
public sealed class ClusterWorkload : IDisposable
{
    public const string Keyspace = "bench";
    public const string Table = "kv";
    private const string ValueColumn = "v";

    /// <summary>Far above the nodes' own write and read timeouts (2 s and 5 s): a timeout is the node's to report.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel[] _channels;
    private readonly RingStoreApi.RingStoreApiClient[] _clients;
    private readonly RingStoreSession[]? _sessions;
    private readonly LoopRequests[] _loops;
    private readonly ByteString _value;
    private long _nextKey;

    /// <param name="caFile">The cluster CA for TLS (https); null = plain HTTP/2.</param>
    /// <param name="credentials">Role and password sent with every call (nodes with the password authenticator); null = none.</param>
    public ClusterWorkload(IReadOnlyList<string> grpcEndpoints, int valueBytes, int maxConcurrency, int seed, bool sessions = true, string? caFile = null,
        RingStore.Client.Auth.ClientCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(grpcEndpoints);
        var ca = caFile is null ? null : RingStore.Client.Tls.CaTrust.LoadPem(caFile);
        _channels = [.. grpcEndpoints.Select(e => OpenChannel(e, ca))];
        _clients = [.. _channels.Select(c => new RingStoreApi.RingStoreApiClient(RingStore.Client.Auth.ClientCredentials.Apply(c.CreateCallInvoker(), credentials)))];
        if (sessions) _sessions = [.. _clients.Select(RingStoreSession.Open)];
        var random = new Random(seed);
        byte[] value = new byte[valueBytes];
        random.NextBytes(value);
        _value = ByteString.CopyFrom(value);
        _loops = new LoopRequests[maxConcurrency];
        for (int i = 0; i < maxConcurrency; i++) _loops[i] = new LoopRequests(i, _value, new Random(random.Next()));
    }

    /// <summary>Keys written so far: 0 .. KeysWritten-1 (a key whose write failed may be missing).</summary>
    public long KeysWritten => Interlocked.Read(ref _nextKey);

    public RingStoreApi.RingStoreApiClient Client(int node) => _clients[node];

    public async Task CreateSchemaAsync(int replicationFactor, CancellationToken ct)
    {
        var client = _clients[0];
        await client.CreateKeyspaceAsync(new CreateKeyspaceRequest
        {
            Name = Keyspace,
            IfNotExists = true,
            Replication = new Replication { Class = "SimpleStrategy", ReplicationFactor = replicationFactor },
        }, cancellationToken: ct);
        var table = new CreateTableRequest { Keyspace = Keyspace, Name = Table, IfNotExists = true };
        table.PartitionKey.Add(new ColumnDef { Name = "pk", Type = ColumnType.Bigint });
        table.Clustering.Add(new ColumnDef { Name = "ck", Type = ColumnType.Int });
        table.Columns.Add(new ColumnDef { Name = ValueColumn, Type = ColumnType.Blob });
        await client.CreateTableAsync(table, cancellationToken: ct);
    }

    /// <summary>Waits until every node knows the table, so no node answers the first requests with "unknown table".</summary>
    public async Task WaitForSchemaAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var client in _clients)
        {
            while (true)
            {
                var schema = await client.DescribeSchemaAsync(new DescribeSchemaRequest(), cancellationToken: ct);
                if (schema.Tables.Any(t => t.Keyspace == Keyspace && t.Name == Table)) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"The schema did not reach every node within {timeout.TotalSeconds:0} s.");
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    public void SetConsistency(Consistency consistency)
    {
        foreach (var loop in _loops)
        {
            loop.Mutate.Consistency = consistency;
            loop.Read.Consistency = consistency;
        }
    }

    /// <summary>Writes the next key (keys are consecutive; Murmur3 spreads them uniformly over the ring).</summary>
    public async Task<bool> WriteAsync(int loopIndex, CancellationToken ct)
    {
        var loop = _loops[loopIndex];
        loop.WriteKey.Bigint = Interlocked.Increment(ref _nextKey) - 1;
        int node = loop.NextNode(_clients.Length);
        if (_sessions is not null)
        {
            await _sessions[node].MutateAsync(loop.Mutate, DateTime.UtcNow + RequestTimeout, ct).ConfigureAwait(false);
            return true;
        }
        using var call = _clients[node].MutateAsync(loop.Mutate, cancellationToken: ct);
        await call.ResponseAsync.ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads a key drawn uniformly from those written; false when the row is not there.</summary>
    public async Task<bool> ReadAsync(int loopIndex, CancellationToken ct)
    {
        var loop = _loops[loopIndex];
        loop.ReadKey.Bigint = loop.Random.NextInt64(Math.Max(1, KeysWritten));
        int node = loop.NextNode(_clients.Length);
        if (_sessions is not null)
        {
            var reply = await _sessions[node].ReadAsync(loop.Read, DateTime.UtcNow + RequestTimeout, ct).ConfigureAwait(false);
            return reply.Rows.Count > 0;
        }
        using var call = _clients[node].ReadAsync(loop.Read, cancellationToken: ct);
        var response = await call.ResponseAsync.ConfigureAwait(false);
        return response.Rows.Count > 0;
    }

    public void Dispose()
    {
        foreach (var session in _sessions ?? []) session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var channel in _channels) channel.Dispose();
    }

    private static GrpcChannel OpenChannel(string endpoint, System.Security.Cryptography.X509Certificates.X509Certificate2Collection? ca)
    {
        // Kestrel allows 100 concurrent streams per connection; 256 loops over 3 nodes would queue behind that
        // limit on one connection, so let the handler open more.
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (ca is not null) RingStore.Client.Tls.CaTrust.Handler(ca, handler);
        return GrpcChannel.ForAddress($"{(ca is null ? "http" : "https")}://{endpoint}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
        });
    }

    /// <summary>One loop's reusable requests and its own random source and node cursor.</summary>
    private sealed class LoopRequests
    {
        private int _node;

        public LoopRequests(int index, ByteString value, Random random)
        {
            _node = index; // loops start on different nodes so the first requests are spread too
            Random = random;
            var row = new RowWrite();
            row.Clustering.Add(new Value { Int = 0 });
            row.Cells.Add(ValueColumn, new Value { Blob = value });
            var mutation = new Mutation { Keyspace = Keyspace, Table = Table };
            mutation.PartitionKey.Add(WriteKey);
            mutation.Rows.Add(row);
            Mutate.Mutations.Add(mutation);
            Read.Keyspace = Keyspace;
            Read.Table = Table;
            Read.PartitionKey.Add(ReadKey);
        }

        public Random Random { get; }

        public Value WriteKey { get; } = new() { Bigint = 0 };

        public Value ReadKey { get; } = new() { Bigint = 0 };

        public MutateRequest Mutate { get; } = new();

        public ReadRequest Read { get; } = new();

        public int NextNode(int nodes)
        {
            int node = _node % nodes;
            _node = node + 1;
            return node;
        }
    }
}
