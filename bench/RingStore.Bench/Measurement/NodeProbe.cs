using Grpc.Net.Client;
using RingStore.Client.Protos;

namespace RingStore.Bench.Measurement;

/// <summary>
/// Direct gRPC calls to one chosen node, for what the SDK must not route elsewhere: a node's own metrics and ring
/// view (the cluster as that node sees it) and the final check's reads from exactly that replica.
/// </summary>
public sealed class NodeProbe : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly RingStoreApi.RingStoreApiClient _api;

    public NodeProbe(string grpcEndpoint)
    {
        Endpoint = grpcEndpoint;
        _channel = GrpcChannel.ForAddress($"http://{grpcEndpoint}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        _api = new RingStoreApi.RingStoreApiClient(_channel);
    }

    public string Endpoint { get; }

    public RingStoreApi.RingStoreApiClient Api => _api;

    public async Task<StatusResponse> StatusAsync(string keyspace, TimeSpan timeout, CancellationToken ct) =>
        await _api.StatusAsync(new StatusRequest { Keyspace = keyspace }, deadline: DateTime.UtcNow + timeout, cancellationToken: ct).ResponseAsync.ConfigureAwait(false);

    public async Task<DescribeRingResponse> DescribeRingAsync(TimeSpan timeout, CancellationToken ct) =>
        await _api.DescribeRingAsync(new DescribeRingRequest(), deadline: DateTime.UtcNow + timeout, cancellationToken: ct).ResponseAsync.ConfigureAwait(false);

    public async Task<ReadResponse> ReadAsync(ReadRequest request, TimeSpan timeout, CancellationToken ct) =>
        await _api.ReadAsync(request, deadline: DateTime.UtcNow + timeout, cancellationToken: ct).ResponseAsync.ConfigureAwait(false);

    public void Dispose() => _channel.Dispose();
}
