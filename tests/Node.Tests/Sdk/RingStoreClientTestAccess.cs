using Grpc.Net.Client;
using RingStore.Client.Protos;

namespace RingStore.Node.Tests.Sdk;

/// <summary>Asks one specific node (not the SDK's choice) for its status.</summary>
internal static class RingStoreClientTestAccess
{
    public static async Task<StatusResponse> StatusFromAsync(string grpcAddress)
    {
        using var channel = GrpcChannel.ForAddress($"http://{grpcAddress}");
        return await new RingStoreApi.RingStoreApiClient(channel).StatusAsync(new StatusRequest());
    }
}
