using CsCheck;
using Google.Protobuf;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// Scatter-gather on three in-process nodes: random inserts, updates to null, row and partition deletes, then the
/// pushed-down aggregates (COUNT(*), COUNT/SUM/AVG/MIN/MAX, GROUP BY pk) must equal what a naive coordinator computes
/// from every row of a plain SELECT *; the parallel pager's pages (small page sizes, from different coordinators)
/// must add up to the same rows in token order; ALLOW PARTIAL RESULTS with every node up reports full coverage.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ScatterAggregateClusterTests(ScatterAggregateClusterTests.Data data) : IClassFixture<ScatterAggregateClusterTests.Data>
{
    public sealed class Data : IAsyncLifetime
    {
        public CqlClusterFixture Fixture { get; } = new();

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }

    private CqlClusterFixture F => data.Fixture;

    private static int _tables;

    private sealed record Op(int Kind, int Pk, int C, int V);

    private static readonly Gen<Op> GenOp = Gen.Select(Gen.Frequency((6, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(3))),
        Gen.Int[0, 12], Gen.Int[0, 6], Gen.Int[-500, 500], (k, pk, c, v) => new Op(k, pk, c, v));

    private async Task<List<ResultRow>> AllRows(string cql, int pageSize, string keyspace)
    {
        var rows = new List<ResultRow>();
        ByteString? paging = null;
        int node = 0;
        do
        {
            var page = await F.RunAsync(cql, node: node++ % 3, keyspace: keyspace, pageSize: pageSize, pagingState: paging);
            rows.AddRange(page.Rows);
            paging = page.PagingState.IsEmpty ? null : page.PagingState;
        }
        while (paging is not null);
        return rows;
    }

    [Fact]
    public async Task Pushed_down_aggregates_equal_the_naive_coordinator_result()
    {
        int run = 0;
        await GenOp.Array[1, 60].SampleAsync(async sample =>
        {
            int i = run++;
            string keyspace = i % 2 == 0 ? "ks" : "ks1";
            string table = $"agg{Interlocked.Increment(ref _tables)}";
            await F.CreateTableAsync($"CREATE TABLE {table} (pk int, c int, v int, PRIMARY KEY (pk, c))", keyspace, table);
            foreach (var op in sample)
            {
                string cql = op.Kind switch
                {
                    0 => $"INSERT INTO {table} (pk, c, v) VALUES ({op.Pk}, {op.C}, {op.V})",
                    1 => $"UPDATE {table} SET v = null WHERE pk = {op.Pk} AND c = {op.C}",
                    2 => $"DELETE FROM {table} WHERE pk = {op.Pk} AND c = {op.C}",
                    _ => $"DELETE FROM {table} WHERE pk = {op.Pk}",
                };
                await F.RunAsync(cql, keyspace: keyspace);
            }

            var rows = (await AllRows($"SELECT pk, c, v FROM {table}", 1000, keyspace))
                .Select(r => (Pk: (int)Clr(r.Values[0])!, C: (int)Clr(r.Values[1])!, V: (int?)Clr(r.Values[2]))).ToList();
            var withV = rows.Where(r => r.V is not null).Select(r => r.V!.Value).ToList();
            var pushed = await F.RunAsync($"SELECT COUNT(*), COUNT(v), SUM(v), AVG(v), MIN(v), MAX(v), MAX(c) FROM {table}", node: i % 3, keyspace: keyspace);
            Assert.Equal(["count", "system.count(v)", "system.sum(v)", "system.avg(v)", "system.min(v)", "system.max(v)", "system.max(c)"], pushed.ColumnNames());
            var values = pushed.Rows.Single().Values.Select(Clr).ToList();
            Assert.Equal<object?>(
                [
                    (long)rows.Count, (long)withV.Count, withV.Sum(), withV.Count == 0 ? 0 : (int)(withV.Sum(x => (long)x) / withV.Count),
                    withV.Count == 0 ? null : withV.Min(), withV.Count == 0 ? null : withV.Max(), rows.Count == 0 ? null : rows.Max(r => r.C),
                ],
                values);

            var grouped = await F.RunAsync($"SELECT pk, COUNT(*), SUM(v) FROM {table} GROUP BY pk", keyspace: keyspace);
            var expected = rows.GroupBy(r => r.Pk).Select(g => new object?[] { g.Key, (long)g.Count(), g.Where(r => r.V is not null).Sum(r => r.V!.Value) })
                .OrderBy(g => (int)g[0]!).ToList();
            var actual = grouped.Rows.Select(r => r.Values.Select(Clr).ToArray()).OrderBy(g => (int)g[0]!).ToList();
            Assert.Equal(expected.Select(e => string.Join(",", e)), actual.Select(a => string.Join(",", a)));

            // The parallel pager: small pages from rotating coordinators give the same rows, in the same order, as one big page.
            var paged = await AllRows($"SELECT pk, c, v FROM {table}", 3, keyspace);
            Assert.Equal(rows.Count, paged.Count);
            Assert.Equal(rows.Select(r => $"{r.Pk}/{r.C}"), paged.Select(r => $"{Clr(r.Values[0])}/{Clr(r.Values[1])}"));
            var limited = await F.RunAsync($"SELECT pk, c FROM {table} LIMIT 5", keyspace: keyspace);
            Assert.Equal(rows.Take(5).Select(r => $"{r.Pk}/{r.C}"), limited.Rows.Select(r => $"{Clr(r.Values[0])}/{Clr(r.Values[1])}"));

            var partial = await F.RunAsync($"SELECT COUNT(*) FROM {table} ALLOW PARTIAL RESULTS", keyspace: keyspace);
            Assert.Equal((long)rows.Count, partial.Rows[0].Values[0].Bigint);
            Assert.True(partial.HasCoverage);
            Assert.Equal(1.0, partial.Coverage);
            Assert.Empty(partial.MissingRanges);
        }, iter: 4, threads: 1);
    }

    [Fact]
    public async Task Aggregates_check_their_arguments()
    {
        await F.CreateTableAsync("CREATE TABLE aggtypes (pk int, c int, t text, PRIMARY KEY (pk, c))", "ks", "aggtypes");
        Assert.Contains("sum and avg take int, bigint or double", await F.InvalidAsync("SELECT SUM(t) FROM aggtypes"));
        Assert.Contains("GROUP BY must list the partition key", await F.InvalidAsync("SELECT COUNT(*) FROM aggtypes GROUP BY c"));
        Assert.Contains("Only the GROUP BY columns", await F.InvalidAsync("SELECT c, COUNT(*) FROM aggtypes GROUP BY pk"));
        Assert.Contains("cannot be selected together", await F.InvalidAsync("SELECT c, COUNT(*) FROM aggtypes"));
        // Aggregates on known partitions are folded on the coordinator.
        await F.RunAsync("INSERT INTO aggtypes (pk, c, t) VALUES (1, 1, 'b')");
        await F.RunAsync("INSERT INTO aggtypes (pk, c, t) VALUES (1, 2, 'a')");
        var r = await F.RunAsync("SELECT MIN(t), MAX(t), COUNT(t) FROM aggtypes WHERE pk = 1");
        Assert.Equal<object?>(["a", "b", 2L], r.Rows[0].Values.Select(Clr).ToList());
    }
}
