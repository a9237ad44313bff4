using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>With two of three replicas SIGKILLed, QUORUM is refused up front as Unavailable, and nothing is written.</summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class QuorumUnavailableTests
{
    private const string Keyspace = "quorum";

    [Fact]
    public async Task A_QUORUM_write_with_two_of_three_replicas_killed_is_Unavailable_and_writes_nothing()
    {
        // A lower conviction threshold only shortens the wait for the failure detector; nothing here depends on it.
        await using var cluster = await ProcessCluster.StartAsync(3, new Dictionary<string, string> { ["PhiConvictThreshold"] = "5" });
        await cluster.CreateKeyspaceAsync(Keyspace, 3);
        await cluster.CreateTableAsync(KvTable.Create(Keyspace));
        cluster.Kill(1);
        cluster.Kill(2);
        await cluster.WaitUntilSeenDownAsync(0, 1, 2);
        var client = cluster.Client(0);

        var write = await Assert.ThrowsAsync<RpcException>(() =>
            client.MutateAsync(KvTable.Write(Keyspace, 1, "never", 1, Consistency.Quorum), ProcessCluster.Call()).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, write.StatusCode);
        Assert.Equal("Unavailable", RpcErrors.Kind(write));
        Assert.Equal("2", RpcErrors.Trailer(write, "ringstore-required"));
        Assert.Equal("1", RpcErrors.Trailer(write, "ringstore-alive"));
        // Unavailable means nothing was sent anywhere, not even to the coordinator's own replica.
        var local = await client.ReadAsync(KvTable.Read(Keyspace, 1, Consistency.One), ProcessCluster.Call());
        Assert.Empty(local.Rows);

        var read = await Assert.ThrowsAsync<RpcException>(() =>
            client.ReadAsync(KvTable.Read(Keyspace, 1, Consistency.Quorum), ProcessCluster.Call()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, read.StatusCode);
        Assert.Equal("Unavailable", RpcErrors.Kind(read));

        // The survivor still takes what it can honour.
        await client.MutateAsync(KvTable.Write(Keyspace, 2, "one is enough", 2, Consistency.One), ProcessCluster.Call());
        Assert.Equal("one is enough", KvTable.Value(await client.ReadAsync(KvTable.Read(Keyspace, 2, Consistency.One), ProcessCluster.Call())));
    }
}
