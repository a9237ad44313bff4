using Grpc.Core;
using RingStore.Client.Protos;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Bad client requests through gRPC against running node processes: each gets a clear error with the right status code
/// and error-kind trailer, writes nothing (checked by reading back at ALL), and the node keeps serving.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class GrpcBadInputTests(BadInputClusterFixture fixture) : IClassFixture<BadInputClusterFixture>
{
    private const string Keyspace = BadInputClusterFixture.Keyspace;
    private ProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Unknown_keyspace_and_unknown_table_are_refused_with_their_kinds()
    {
        var client = Cluster.Client(1);
        var write = new MutateRequest { Consistency = Consistency.Quorum, Mutations = { KvTable.Write("nope", 1, "x", 1, Consistency.Quorum).Mutations } };

        var noKeyspace = await Assert.ThrowsAsync<RpcException>(() => client.MutateAsync(write, ProcessCluster.Call()).ResponseAsync);
        AssertError(noKeyspace, StatusCode.InvalidArgument, "InvalidRequest", "'nope'");
        var noKeyspaceRead = await Assert.ThrowsAsync<RpcException>(() =>
            client.ReadAsync(KvTable.Read("nope", 1, Consistency.One), ProcessCluster.Call()).ResponseAsync);
        AssertError(noKeyspaceRead, StatusCode.InvalidArgument, "InvalidRequest", "'nope'");

        write.Mutations[0].Keyspace = Keyspace;
        write.Mutations[0].Table = "missing";
        var noTable = await Assert.ThrowsAsync<RpcException>(() => client.MutateAsync(write, ProcessCluster.Call()).ResponseAsync);
        AssertError(noTable, StatusCode.NotFound, "UnknownTable", "bad.missing");
        var noTableRead = await Assert.ThrowsAsync<RpcException>(() =>
            client.ReadAsync(new ReadRequest { Keyspace = Keyspace, Table = "missing", PartitionKey = { new Value { Bigint = 1 } } }, ProcessCluster.Call()).ResponseAsync);
        AssertError(noTableRead, StatusCode.NotFound, "UnknownTable", "bad.missing");

        await fixture.AssertServesAsync(1);
    }

    [Fact]
    public async Task A_wrong_typed_value_fails_the_whole_batch_and_writes_nothing()
    {
        var client = Cluster.Client(2);
        var batch = new MutateRequest
        {
            Consistency = Consistency.Quorum,
            Mutations =
            {
                WideTable.ValidRow(Keyspace, "typed-ok", 1),
                WideTable.Row(Keyspace, WideTable.Key("typed-bad", 2), new Dictionary<string, Value> { ["n"] = new() { Text = "seven" } }),
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.MutateAsync(batch, ProcessCluster.Call()).ResponseAsync);

        AssertError(error, StatusCode.InvalidArgument, "InvalidRequest", "'n' is bigint but the value is text");
        await AssertNoRowAsync("typed-ok", 1);
        await AssertNoRowAsync("typed-bad", 2);
        await fixture.AssertServesAsync(2);
    }

    [Fact]
    public async Task A_missing_partition_key_component_is_refused_for_writes_and_reads()
    {
        var client = Cluster.Client(0);
        var partial = new MutateRequest
        {
            Consistency = Consistency.Quorum,
            Mutations = { WideTable.Row(Keyspace, [new Value { Text = "half" }], new Dictionary<string, Value> { ["v"] = new() { Text = "x" } }) },
        };

        var write = await Assert.ThrowsAsync<RpcException>(() => client.MutateAsync(partial, ProcessCluster.Call()).ResponseAsync);
        AssertError(write, StatusCode.InvalidArgument, "InvalidRequest", "2 value(s) required, got 1");
        var read = await Assert.ThrowsAsync<RpcException>(() => client.ReadAsync(new ReadRequest
        {
            Keyspace = Keyspace,
            Table = WideTable.Name,
            PartitionKey = { new Value { Text = "half" } },
            Consistency = Consistency.Quorum,
        }, ProcessCluster.Call()).ResponseAsync);
        AssertError(read, StatusCode.InvalidArgument, "InvalidRequest", "2 value(s) required, got 1");

        // A null key component is refused too, rather than written under some default.
        var nullComponent = new MutateRequest
        {
            Consistency = Consistency.Quorum,
            Mutations = { WideTable.Row(Keyspace, [new Value { Text = "half" }, new Value()], new Dictionary<string, Value> { ["v"] = new() { Text = "x" } }) },
        };
        var nullError = await Assert.ThrowsAsync<RpcException>(() => client.MutateAsync(nullComponent, ProcessCluster.Call()).ResponseAsync);
        AssertError(nullError, StatusCode.InvalidArgument, "InvalidRequest", "must not be null");
        await fixture.AssertServesAsync(0);
    }

    [Fact]
    public async Task A_value_over_the_size_cap_is_ValueTooLarge_and_writes_nothing_while_one_under_it_is_stored()
    {
        var client = Cluster.Client(1);
        var oversized = new MutateRequest
        {
            Consistency = Consistency.Quorum,
            Mutations =
            {
                WideTable.ValidRow(Keyspace, "big-ok", 1),
                WideTable.Row(Keyspace, WideTable.Key("big", 2), new Dictionary<string, Value> { ["payload"] = WideTable.Blob(2 << 20) }),
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => client.MutateAsync(oversized, ProcessCluster.Call(30)).ResponseAsync);

        AssertError(error, StatusCode.InvalidArgument, "ValueTooLarge", "payload");
        await AssertNoRowAsync("big-ok", 1);
        await AssertNoRowAsync("big", 2);

        // The cap is the configured 1 MiB, not some transport limit: half of it goes through.
        var fits = new MutateRequest
        {
            Consistency = Consistency.Quorum,
            Mutations = { WideTable.Row(Keyspace, WideTable.Key("big", 3), new Dictionary<string, Value> { ["payload"] = WideTable.Blob(512 << 10) }) },
        };
        await client.MutateAsync(fits, ProcessCluster.Call(30));
        var stored = await client.ReadAsync(WideTable.Read(Keyspace, "big", 3, Consistency.All), ProcessCluster.Call(30));
        int payload = stored.Columns.Select(c => c.Name).ToList().IndexOf("payload");
        Assert.Equal(512 << 10, Assert.Single(stored.Rows).Values[payload].Blob.Length);
        await fixture.AssertServesAsync(1);
    }

    private static void AssertError(RpcException error, StatusCode code, string kind, string detailContains)
    {
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(kind, RpcErrors.Kind(error));
        Assert.Contains(detailContains, error.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>At ALL every replica answers: a row written anywhere would show up.</summary>
    private async Task AssertNoRowAsync(string a, long b)
    {
        for (int node = 0; node < Cluster.Count; node++)
        {
            var read = await Cluster.Client(node).ReadAsync(WideTable.Read(Keyspace, a, b, Consistency.All), ProcessCluster.Call());
            Assert.Empty(read.Rows);
        }
    }
}
