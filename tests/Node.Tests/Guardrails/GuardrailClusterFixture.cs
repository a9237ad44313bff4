using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Guardrails;

/// <summary>
/// Three in-process nodes serving gRPC with small guardrail thresholds (tombstones warn over 20, fail over 100; IN
/// product warn over 10, fail over 20; values warn over 64 KiB; batches at Cassandra's 5 / 50 KiB), keyspace ks at
/// RF 3, and an SDK client on node 0. Statements run at ALL so every replica reads.
/// </summary>
public sealed class GuardrailClusterFixture : IAsyncLifetime
{
    public const int TombstoneWarn = 20;
    public const int TombstoneFail = 100;
    public const int InWarn = 10;
    public const int InFail = 20;

    public InProcessCluster Cluster { get; private set; } = null!;
    public RingStoreClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await InProcessCluster.StartAsync(3, (_, o) =>
        {
            o.TombstoneWarnThreshold = TombstoneWarn;
            o.TombstoneFailureThreshold = TombstoneFail;
            o.InSelectWarnThreshold = InWarn;
            o.InSelectFailThreshold = InFail;
            o.ValueSizeWarnKiB = 64;
            o.ReadTimeout = TimeSpan.FromSeconds(10);
            o.WriteTimeout = TimeSpan.FromSeconds(10);
        }, withGrpc: true);
        Client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions { ContactPoints = [Cluster.GrpcAddress(0)] });
        await RunAsync("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
        await RunAsync("USE ks");
    }

    public async Task DisposeAsync()
    {
        // Either may be missing when InitializeAsync failed; the cleanup must not hide that failure.
        if (Client is not null) await Client.DisposeAsync();
        if (Cluster is not null) await Cluster.DisposeAsync();
    }

    public Task<ResultSet> RunAsync(string cql, params object?[] values) =>
        Client.ExecuteAsync(new SimpleStatement(cql, values) { Consistency = Consistency.All });

    public async Task CreateTableAsync(string table, string columns)
    {
        await RunAsync($"CREATE TABLE {table} ({columns})");
        await Cluster.WaitUntilAsync(() => Enumerable.Range(0, Cluster.Count).All(i => Cluster[i].Schema.Current.TryGetTable("ks", table, out _)),
            TimeSpan.FromSeconds(20), $"every node has ks.{table}");
        await Client.RefreshMetadataAsync();
    }

    /// <summary>Writes rows 0..live+deleted-1 of partition pk and deletes the first <paramref name="deleted"/> (each a row tombstone).</summary>
    public async Task FillAsync(string table, int pk, int live, int deleted)
    {
        var inserts = string.Concat(Enumerable.Range(0, live + deleted).Select(ck => $"INSERT INTO {table} (pk, ck, v) VALUES ({pk}, {ck}, 'x'); "));
        await RunAsync($"BEGIN UNLOGGED BATCH {inserts} APPLY BATCH");
        if (deleted == 0) return;
        var deletes = string.Concat(Enumerable.Range(0, deleted).Select(ck => $"DELETE FROM {table} WHERE pk = {pk} AND ck = {ck}; "));
        await RunAsync($"BEGIN UNLOGGED BATCH {deletes} APPLY BATCH");
    }
}
