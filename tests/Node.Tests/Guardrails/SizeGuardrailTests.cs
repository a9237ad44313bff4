using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Node.Tests.Cluster;

namespace RingStore.Node.Tests.Guardrails;

/// <summary>Batch size, large value and IN list guardrails, through the SDK against real gRPC nodes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SizeGuardrailTests(GuardrailClusterFixture fixture) : IClassFixture<GuardrailClusterFixture>
{
    private const string Columns = "pk int, ck int, v text, PRIMARY KEY (pk, ck)";

    private static string Batch(string table, int partitions, int bytesEach) =>
        "BEGIN UNLOGGED BATCH " + string.Concat(Enumerable.Range(0, partitions)
            .Select(pk => $"INSERT INTO {table} (pk, ck, v) VALUES ({pk}, 1, '{new string('b', bytesEach)}'); ")) + "APPLY BATCH";

    [Fact]
    public async Task A_multi_partition_batch_warns_over_5_KiB_fails_over_50_KiB_and_a_single_partition_batch_is_exempt()
    {
        await fixture.CreateTableAsync("bs", Columns);

        var small = await fixture.RunAsync(Batch("bs", 2, 1000));
        Assert.Empty(small.Warnings);

        var warned = await fixture.RunAsync(Batch("bs", 2, 3000));
        var warning = Assert.Single(warned.Warnings);
        Assert.Contains("Batch for [ks.bs] is of size", warning, StringComparison.Ordinal);
        Assert.Contains("exceeding specified threshold of 5.000KiB", warning, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RingStoreException>(() => fixture.RunAsync(Batch("bs", 2, 30_000).Replace("VALUES (", "VALUES (10", StringComparison.Ordinal)));
        Assert.Equal(RequestErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("Batch too large", error.Message, StringComparison.Ordinal);
        Assert.Contains("over batch_size_fail_threshold of 50.000KiB", error.Message, StringComparison.Ordinal);
        Assert.Empty((await fixture.RunAsync("SELECT * FROM bs WHERE pk IN (100, 101)")).Rows); // nothing written

        var onePartition = "BEGIN UNLOGGED BATCH " + string.Concat(Enumerable.Range(0, 3)
            .Select(ck => $"INSERT INTO bs (pk, ck, v) VALUES (50, {ck}, '{new string('c', 30_000)}'); ")) + "APPLY BATCH";
        Assert.Empty((await fixture.RunAsync(onePartition)).Warnings);
        Assert.Equal(3, (await fixture.RunAsync("SELECT * FROM bs WHERE pk = 50")).Rows.Count);

        // The Mutate call carries its warnings too.
        var mutations = Enumerable.Range(200, 2).Select(pk =>
        {
            var m = new Mutation { Keyspace = "ks", Table = "bs" };
            m.PartitionKey.Add(new Value { Int = pk });
            var row = new RowWrite();
            row.Clustering.Add(new Value { Int = 1 });
            row.Cells["v"] = new Value { Text = new string('d', 3000) };
            m.Rows.Add(row);
            return m;
        });
        var mutated = await fixture.Client.MutateAsync(mutations, Consistency.All);
        Assert.Contains(mutated.Warnings, w => w.Contains("Batch for [ks.bs]", StringComparison.Ordinal));
    }

    /// <summary>
    /// The Mutate call enters the coordinator through the same door as CQL (ClientWrites): mutations of one partition
    /// are folded into one before the guardrails, so they are a single-partition batch, exempt as in CQL; and one
    /// invalid mutation refuses the whole call before anything is sent.
    /// </summary>
    [Fact]
    public async Task A_mutate_call_folds_one_partition_like_cql_and_one_bad_mutation_writes_nothing()
    {
        await fixture.CreateTableAsync("mf", Columns);
        static Mutation Row(int pk, int ck, Value v)
        {
            var m = new Mutation { Keyspace = "ks", Table = "mf" };
            m.PartitionKey.Add(new Value { Int = pk });
            var row = new RowWrite();
            row.Clustering.Add(new Value { Int = ck });
            row.Cells["v"] = v;
            m.Rows.Add(row);
            return m;
        }

        var onePartition = Enumerable.Range(0, 3).Select(ck => Row(7, ck, new Value { Text = new string('e', 30_000) }));
        var mutated = await fixture.Client.MutateAsync(onePartition, Consistency.All);
        Assert.Empty(mutated.Warnings);
        Assert.Equal(3, (await fixture.RunAsync("SELECT * FROM mf WHERE pk = 7")).Rows.Count);

        var oneBad = new[] { Row(8, 1, new Value { Text = "fine" }), Row(9, 1, new Value { Int = 5 }) }; // v is text
        var error = await Assert.ThrowsAsync<RingStoreException>(() => fixture.Client.MutateAsync(oneBad, Consistency.All));
        Assert.Equal(RequestErrorKind.InvalidRequest, error.Kind);
        Assert.Empty((await fixture.RunAsync("SELECT * FROM mf WHERE pk IN (8, 9)")).Rows);
    }

    [Fact]
    public async Task A_value_over_the_warn_threshold_warns_naming_the_column()
    {
        await fixture.CreateTableAsync("lv", Columns);
        var at = await fixture.RunAsync("INSERT INTO lv (pk, ck, v) VALUES (1, 1, ?)", new string('v', 64 << 10));
        Assert.Empty(at.Warnings);
        var over = await fixture.RunAsync("INSERT INTO lv (pk, ck, v) VALUES (1, 2, ?)", new string('v', (64 << 10) + 1));
        var warning = Assert.Single(over.Warnings);
        Assert.Contains("column 'v' of ks.lv is 65537 bytes", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_in_list_product_warns_over_the_warn_threshold_and_fails_over_the_failure_threshold()
    {
        await fixture.CreateTableAsync("il", Columns);
        string Keys(int n) => string.Join(", ", Enumerable.Range(0, n));

        Assert.Empty((await fixture.RunAsync($"SELECT * FROM il WHERE pk IN ({Keys(GuardrailClusterFixture.InWarn)})")).Warnings);
        var warned = await fixture.RunAsync($"SELECT * FROM il WHERE pk IN ({Keys(3)}) AND ck IN ({Keys(4)})");
        Assert.Contains("is 12 (3 partition keys x 4 clustering values)", Assert.Single(warned.Warnings), StringComparison.Ordinal);

        Assert.Empty((await fixture.RunAsync($"SELECT * FROM il WHERE pk = 1 AND ck IN ({Keys(GuardrailClusterFixture.InFail)})")).Rows);
        var error = await Assert.ThrowsAsync<RingStoreException>(() =>
            fixture.RunAsync($"SELECT * FROM il WHERE pk IN ({Keys(3)}) AND ck IN ({Keys(7)})"));
        Assert.Equal(RequestErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("over in_select_cartesian_product_fail_threshold of 20", error.Message, StringComparison.Ordinal);
    }
}
