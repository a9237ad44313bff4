using Grpc.Net.Client;
using RingStore.Client.Protos;
using RingStore.Client.Sessions;

namespace RingStore.Client.Routing;

/// <summary>
/// One node's gRPC channel (HTTP/2, multiplexed, reused by every request) and the client's own view of whether it
/// is reachable: a node that refused a connection is skipped for a while, then tried again. Mutate, Read and Execute go over
/// one <see cref="RingStoreSession"/> per node, reopened on the next call after it fails.
/// </summary>
internal sealed class NodeConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Lock _sessionGate = new();
    private RingStoreSession? _session;
    private readonly TimeProvider _time;
    private long _skipUntilTicks;

    /// <param name="trustedCa">The CA to trust for TLS (https); null is plain HTTP/2.</param>
    /// <param name="credentials">Role and password sent with every call (password authenticator); null = none.</param>
    public NodeConnection(string rpcAddress, TimeProvider time, System.Security.Cryptography.X509Certificates.X509Certificate2Collection? trustedCa = null,
        Auth.CredentialsSlot? credentials = null)
    {
        RpcAddress = rpcAddress;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        if (trustedCa is not null) Tls.CaTrust.Handler(trustedCa, handler);
        _channel = GrpcChannel.ForAddress($"{(trustedCa is null ? "http" : "https")}://{rpcAddress}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        var invoker = _channel.CreateCallInvoker();
        Api = new RingStoreApi.RingStoreApiClient(credentials is null ? invoker : credentials.Apply(invoker));
    }

    public string RpcAddress { get; }

    public RingStoreApi.RingStoreApiClient Api { get; }

    /// <summary>What the cluster's gossip says (DescribeRing): UP or DOWN.</summary>
    public bool GossipUp { get; set; } = true;

    public bool IsUsable(DateTime now) => GossipUp && now.Ticks >= Interlocked.Read(ref _skipUntilTicks);

    public void MarkUnreachable(DateTime now, TimeSpan retryDelay) => Interlocked.Exchange(ref _skipUntilTicks, (now + retryDelay).Ticks);

    public void MarkReachable() => Interlocked.Exchange(ref _skipUntilTicks, 0);

    /// <summary>The node's session; a failed one is replaced (its calls have already failed with its error).</summary>
    public RingStoreSession Session()
    {
        var session = Volatile.Read(ref _session);
        if (session is { IsFailed: false }) return session;
        lock (_sessionGate)
        {
            if (_session is { IsFailed: false }) return _session;
            var failed = _session;
            _session = RingStoreSession.Open(Api, _time);
            if (failed is not null) _ = failed.DisposeAsync().AsTask(); // already failed: this only stops its loops
            return _session;
        }
    }

    public void Dispose()
    {
        lock (_sessionGate)
        {
            _session?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _session = null;
        }
        _channel.Dispose();
    }
}
