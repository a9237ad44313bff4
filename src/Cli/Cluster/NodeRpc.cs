using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Cli.CommandLine;
using RingStore.Client.Protos;

namespace RingStore.Cli.Cluster;

/// <summary>
/// Direct gRPC calls to one node (the topology RPCs are per node, not cluster requests), and how their failures
/// read: a refusal (FAILED_PRECONDITION, INVALID_ARGUMENT) says why, a node that does not answer says so, a node
/// without the RPC (UNIMPLEMENTED) says it cannot do it yet.
/// </summary>
public sealed class NodeRpc : IDisposable
{
    private readonly GrpcChannel _channel;

    public NodeRpc(string grpcEndpoint)
    {
        Endpoint = grpcEndpoint;
        _channel = CliTls.Channel(grpcEndpoint);
        Api = new RingStoreApi.RingStoreApiClient(RingStore.Client.Auth.ClientCredentials.Apply(_channel.CreateCallInvoker(), CliCredentials.Current));
    }

    public string Endpoint { get; }

    public RingStoreApi.RingStoreApiClient Api { get; }

    public static string Describe(RpcException e, string node, string operation)
    {
        ArgumentNullException.ThrowIfNull(e);
        string detail = e.Status.Detail.Length > 0 ? e.Status.Detail : e.StatusCode.ToString();
        return e.StatusCode switch
        {
            StatusCode.FailedPrecondition or StatusCode.InvalidArgument => $"{node} refused {operation}: {detail}",
            StatusCode.Unavailable => $"{node} is down or unreachable ({detail})",
            StatusCode.Unimplemented => $"{node} does not support {operation} (UNIMPLEMENTED): its RingStore version has no {operation}",
            StatusCode.DeadlineExceeded => $"{operation} on {node} did not finish in time",
            StatusCode.NotFound => $"{node}: {detail}",
            _ => $"{operation} on {node} failed: {e.StatusCode}: {detail}",
        };
    }

    /// <summary>The ring as the first of <paramref name="contactPoints"/> that answers sees it, with that node's address.</summary>
    public static async Task<(DescribeRingResponse Ring, string AnsweredBy)> DescribeRingAsync(IReadOnlyList<string> contactPoints)
    {
        ArgumentNullException.ThrowIfNull(contactPoints);
        var errors = new List<string>();
        foreach (string endpoint in contactPoints)
        {
            using var rpc = new NodeRpc(endpoint);
            try
            {
                return (await rpc.Api.DescribeRingAsync(new DescribeRingRequest(), deadline: DateTime.UtcNow.AddSeconds(5)), endpoint);
            }
            catch (RpcException e)
            {
                errors.Add($"{endpoint}: {e.StatusCode}");
            }
        }
        throw new CommandFailedException($"no node answered ({string.Join(", ", errors)}); is the cluster up? (ringstore up)");
    }

    /// <summary>The gRPC addresses of the nodes the ring says are up (LEFT nodes excluded), in endpoint order.</summary>
    public static async Task<IReadOnlyList<string>> LiveNodesAsync(IReadOnlyList<string> contactPoints)
    {
        var (ring, _) = await DescribeRingAsync(contactPoints);
        return ring.Nodes
            .Where(n => n.Liveness == "UP" && n.Status != "LEFT" && n.RpcAddress.Length > 0)
            .OrderBy(n => n.Endpoint, StringComparer.Ordinal)
            .Select(n => n.RpcAddress)
            .ToList();
    }

    public void Dispose() => _channel.Dispose();
}
