using RingStore.Client.Protos;
using RingStore.Coordination;
using RingStore.Coordination.Batchlog;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Core.Values;
using RingStore.Node.Batchlog;
using RingStore.Node.Tests.Cql;

namespace RingStore.Node.Tests.Batchlog;

/// <summary>
/// The executor path of batches on a three-node in-process cluster: a LOGGED batch over several partitions is stored
/// in the batchlog of the two other nodes, applied, then removed; UNLOGGED and single-partition batches skip the
/// batchlog; a node replays its due entries through the write path and deletes them.
/// </summary>
public sealed class LoggedBatchTests(CqlClusterFixture fixture) : IClassFixture<CqlClusterFixture>
{
    private const string Batches = "system.batches";

    private long BatchlogWrites(int node) =>
        fixture.Cluster[node].Engine.GetStats().Tables.Single(t => t.Table == Batches).Writes;

    private long[] AllBatchlogWrites() => [.. Enumerable.Range(0, 3).Select(BatchlogWrites)];

    [Fact]
    public async Task A_logged_batch_over_partitions_goes_through_the_batchlog_of_the_two_other_nodes_and_is_removed_after()
    {
        await fixture.CreateTableAsync("CREATE TABLE lb (pk int, ck int, v text, PRIMARY KEY (pk, ck))", "ks", "lb");
        var before = AllBatchlogWrites();

        await fixture.RunAsync("BEGIN BATCH INSERT INTO lb (pk, ck, v) VALUES (1, 1, 'a'); INSERT INTO lb (pk, ck, v) VALUES (2, 1, 'b'); " +
            "UPDATE lb SET v = 'c' WHERE pk = 3 AND ck = 1; APPLY BATCH");

        foreach (var (pk, v) in new[] { (1, "a"), (2, "b"), (3, "c") })
            Assert.Equal<object?>([v], (await fixture.RunAsync($"SELECT v FROM lb WHERE pk = {pk}")).Column(0));
        // Node 0 coordinated: nodes 1 and 2 each got a store and then (asynchronously) a remove; node 0 none.
        await fixture.Cluster.WaitUntilAsync(() => AllBatchlogWrites().Select((w, i) => w - before[i]).SequenceEqual([0L, 2L, 2L]),
            TimeSpan.FromSeconds(10), "nodes 1 and 2 stored and removed the batch");
        for (int node = 0; node < 3; node++) Assert.Equal(0, fixture.Cluster[node].Batchlog.Count());
    }

    [Fact]
    public async Task Unlogged_and_single_partition_batches_skip_the_batchlog()
    {
        await fixture.CreateTableAsync("CREATE TABLE ub (pk int, ck int, v text, PRIMARY KEY (pk, ck))", "ks", "ub");
        var before = AllBatchlogWrites();

        await fixture.RunAsync("BEGIN UNLOGGED BATCH INSERT INTO ub (pk, ck, v) VALUES (1, 1, 'a'); INSERT INTO ub (pk, ck, v) VALUES (2, 1, 'b'); APPLY BATCH");
        await fixture.RunAsync("BEGIN BATCH INSERT INTO ub (pk, ck, v) VALUES (5, 1, 'x'); INSERT INTO ub (pk, ck, v) VALUES (5, 2, 'y'); APPLY BATCH");

        Assert.Equal<object?>(["b"], (await fixture.RunAsync("SELECT v FROM ub WHERE pk = 2")).Column(0));
        Assert.Equal<object?>(["x", "y"], (await fixture.RunAsync("SELECT v FROM ub WHERE pk = 5")).Column(0));
        Assert.Equal(before, AllBatchlogWrites());
    }

    [Fact]
    public async Task A_due_entry_is_replayed_through_the_write_path_and_deleted_and_a_young_one_waits()
    {
        await fixture.CreateTableAsync("CREATE TABLE rb (pk int, ck int, v text, PRIMARY KEY (pk, ck))", "ks", "rb");
        var node = fixture.Cluster[1];
        node.Schema.Current.TryGetTable("ks", "rb", out var table);
        var clock = node.Clock.GetUtcNow();
        var old = Entry(table!, clock - TimeSpan.FromMinutes(1), (10, "replayed"), (11, "too"));
        var young = Entry(table!, clock, (12, "not yet"));
        await node.Batchlog.StoreAsync(old, CancellationToken.None);
        await node.Batchlog.StoreAsync(young, CancellationToken.None);
        Assert.Equal(2, node.Batchlog.Count());

        Assert.Equal(1, await node.BatchlogReplay.ReplayDueAsync(CancellationToken.None));

        // Replayed at ONE with hints for the rest: every replica gets it (the write path hints a failed one).
        Assert.Equal<object?>(["replayed"], (await fixture.RunAsync("SELECT v FROM rb WHERE pk = 10", consistency: Consistency.One)).Column(0));
        Assert.Equal<object?>(["too"], (await fixture.RunAsync("SELECT v FROM rb WHERE pk = 11", consistency: Consistency.One)).Column(0));
        Assert.Equal([young.Id], node.Batchlog.ReadAll().Select(e => e.Id));
        Assert.Empty((await fixture.RunAsync("SELECT v FROM rb WHERE pk = 12")).Rows);
        // The entry's own timestamp is its row's: a remove at it deletes it for good.
        await node.Batchlog.RemoveAsync(young.Id, young.WrittenAtMicros, CancellationToken.None);
        Assert.Equal(0, node.Batchlog.Count());
    }

    /// <summary>A batchlog entry as a coordinator would send it, written at <paramref name="at"/>, one row per (pk, v).</summary>
    internal static BatchStoreMessage Entry(TableSchema table, DateTimeOffset at, params (int Pk, string V)[] rows)
    {
        long micros = at.ToUnixTimeMilliseconds() * 1000;
        var mutations = rows.Select(r =>
        {
            var key = PartitionKeyCodec.Serialize(table.PartitionKey, [r.Pk]);
            var clustering = ClusteringKeyCodec.Encode(table.Clustering, [1]);
            var update = PartitionUpdate.OfRows(table.FullName, key,
                new Row(clustering, LivenessInfo.At(micros), DeletionTime.Live, [Cell.Live(table.RegularColumnIndex("v"), micros, ValueCodec.Serialize(ColumnType.Text, r.V))]));
            return new BatchMutationMessage(table.Keyspace, MutationMessage.For(update));
        });
        return new BatchStoreMessage(CoordinationMessageSerializer.CurrentVersion, TimeUuid.Create(at, [1, 2, 3, 4, 5, 6, 7, 8]), Guid.NewGuid(), micros, [.. mutations]);
    }
}
