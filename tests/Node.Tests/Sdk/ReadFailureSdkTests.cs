using RingStore.Client;
using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Sdk;

/// <summary>A ReadFailure reaches the SDK with its kind and counts, and the SDK does not send it to another coordinator.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReadFailureSdkTests
{
    [Fact]
    public async Task A_ReadFailure_reaches_the_SDK_with_its_counts_and_is_not_retried_on_another_node()
    {
        await using var cluster = await InProcessCluster.StartAsync(3, withGrpc: true);
        var table = await cluster.CreateSampleTableAsync();
        await cluster[0].Writes.WriteAsync("ks", SampleData.Upsert(table, 5, 1, "v"), ConsistencyLevel.All, CancellationToken.None);
        cluster[1].Engine.DropTable(table.FullName);
        cluster[2].Engine.DropTable(table.FullName);
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [cluster.GrpcAddress(0)] });

        long before = client.RequestsPerNode.Values.Sum();
        var error = await Assert.ThrowsAsync<RingStoreException>(() => client.ExecuteAsync(
            new SimpleStatement("SELECT v FROM ks.t WHERE pk = 5") { Consistency = Client.Protos.Consistency.Quorum, IsIdempotent = true }));

        Assert.Equal(RequestErrorKind.ReadFailure, error.Kind);
        Assert.Equal(Grpc.Core.StatusCode.Aborted, error.StatusCode);
        Assert.Equal(1, error.Received);
        Assert.Equal(2, error.Required);
        Assert.Equal(2, error.Failures);
        Assert.Contains(cluster.Endpoint(1), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(UnknownTableException), error.Message, StringComparison.Ordinal);
        // Definite: one request, not one per node (an idempotent request on a transport failure would go to the next).
        Assert.Equal(before + 1, client.RequestsPerNode.Values.Sum());
    }
}
