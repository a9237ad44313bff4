using Grpc.Net.Client;
using RingStore.Client.Protos;

namespace RingStore.Client.Routing;

/// <summary>
/// One node's gRPC channel (HTTP/2, multiplexed, reused by every request) and the client's own view of whether it
/// is reachable: a node that refused a connection is skipped for a while, then tried again.
/// </summary>
internal sealed class NodeConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private long _skipUntilTicks;

    public NodeConnection(string rpcAddress)
    {
        RpcAddress = rpcAddress;
        _channel = GrpcChannel.ForAddress($"http://{rpcAddress}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(2),
            },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        Api = new RingStoreApi.RingStoreApiClient(_channel);
    }

    public string RpcAddress { get; }

    public RingStoreApi.RingStoreApiClient Api { get; }

    /// <summary>What the cluster's gossip says (DescribeRing): UP or DOWN.</summary>
    public bool GossipUp { get; set; } = true;

    public bool IsUsable(DateTime now) => GossipUp && now.Ticks >= Interlocked.Read(ref _skipUntilTicks);

    public void MarkUnreachable(DateTime now, TimeSpan retryDelay) => Interlocked.Exchange(ref _skipUntilTicks, (now + retryDelay).Ticks);

    public void MarkReachable() => Interlocked.Exchange(ref _skipUntilTicks, 0);

    public void Dispose() => _channel.Dispose();
}
