using Google.Protobuf;
using Grpc.Core;
using RingStore.Client.Protos;
using RingStore.Node.Api;
using RingStore.Node.Hosting;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// One three-node in-process cluster per test class, with keyspaces ks (RF 3) and ks1 (RF 1) created through CQL.
/// Tests run statements on any node through its <see cref="StatementExecutor"/> or the gRPC service class.
/// </summary>
public sealed class CqlClusterFixture : IAsyncLifetime
{
    /// <summary>Node options beyond the defaults (e.g. scatter-gather off), applied to every node before it starts.</summary>
    public Action<int, NodeOptions>? Configure { get; init; }

    public InProcessCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await InProcessCluster.StartAsync(3, Configure);
        await RunAsync("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}", keyspace: "");
        await RunAsync("CREATE KEYSPACE ks1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", keyspace: "");
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Runs one statement on a node at consistency ALL (so every replica agrees at once), session keyspace ks.</summary>
    public Task<ExecuteResponse> RunAsync(string cql, int node = 0, string keyspace = "ks", int pageSize = 0, ByteString? pagingState = null,
        Consistency consistency = Consistency.All, params Value[] values)
    {
        var request = new ExecuteRequest { Statement = cql, Keyspace = keyspace, Consistency = consistency, PageSize = pageSize };
        request.Values.AddRange(values);
        if (pagingState is not null) request.PagingState = pagingState;
        return Cluster[node].Cql.ExecuteAsync(request, CancellationToken.None);
    }

    /// <summary>Creates a table through CQL on node 0 and waits until every node has it.</summary>
    public async Task CreateTableAsync(string cql, string keyspace, string table)
    {
        await RunAsync(cql, keyspace: keyspace);
        await Cluster.WaitUntilAsync(() => Enumerable.Range(0, Cluster.Count).All(i => Cluster[i].Schema.Current.TryGetTable(keyspace, table, out _)),
            TimeSpan.FromSeconds(10), $"every node has {keyspace}.{table}");
    }

    /// <summary>The message of the InvalidArgument status the gRPC service answers with.</summary>
    public async Task<string> InvalidAsync(string cql, string keyspace = "ks", params Value[] values)
    {
        var service = FrontEnds.Api(Cluster[0]);
        var request = new ExecuteRequest { Statement = cql, Keyspace = keyspace, Consistency = Consistency.All };
        request.Values.AddRange(values);
        var error = await Assert.ThrowsAsync<RpcException>(() => service.Execute(request, new FakeServerCallContext()));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return error.Status.Detail;
    }
}
