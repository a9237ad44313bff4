using CsCheck;
using Google.Protobuf;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Cql;

/// <summary>
/// PER PARTITION LIMIT, top-N (IN + ORDER BY + LIMIT) and GROUP BY paging on three in-process nodes against a naive
/// model: random inserts and deletes into a table (ascending or descending clustering), then each query paged with a
/// random page size from rotating coordinators must equal the model computed from every row of a plain SELECT (token
/// order) — range scans at ALL (replicas merged, limit cut on the coordinator) and at ONE (limit pushed to the replica),
/// with ALLOW FILTERING, IN queries, merged top-N with and without PER PARTITION LIMIT, and GROUP BY pk through the
/// pushed-down, the filtered and the known-partition paths.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PerPartitionLimitClusterTests(PerPartitionLimitClusterTests.Data data) : IClassFixture<PerPartitionLimitClusterTests.Data>
{
    /// <summary>Two clusters: scatter-gather on (parallel pager, pushed-down GROUP BY) and off (sequential pager, folded GROUP BY).</summary>
    public sealed class Data : IAsyncLifetime
    {
        public CqlClusterFixture Parallel { get; } = new();

        public CqlClusterFixture Sequential { get; } = new() { Configure = (_, options) => options.ScatterGather = false };

        public async Task InitializeAsync()
        {
            await Parallel.InitializeAsync();
            await Sequential.InitializeAsync();
        }

        public async Task DisposeAsync()
        {
            await Parallel.DisposeAsync();
            await Sequential.DisposeAsync();
        }
    }

    private CqlClusterFixture F { get; set; } = data.Parallel;

    private static int _tables;

    private sealed record Op(bool Delete, int Pk, int C, int V);

    private sealed record Case(Op[] Ops, bool Desc, int PerPartition, int PageSize, int? Limit, int[] In, bool OrderDesc);

    private static readonly Gen<Op> GenOp = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 9], Gen.Int[0, 12], Gen.Int[-50, 50],
        (k, pk, c, v) => new Op(k == 0, pk, c, v));

    private static readonly Gen<Case> GenCase = Gen.Select(GenOp.Array[1, 60], Gen.Bool, Gen.Int[1, 4], Gen.Int[1, 7],
        Gen.Frequency((1, Gen.Const((int?)null)), (2, Gen.Int[1, 15].Select(l => (int?)l))), Gen.Int[0, 9].Array[1, 4], Gen.Bool,
        (ops, desc, ppl, page, limit, inKeys, orderDesc) => new Case(ops, desc, ppl, page, limit, inKeys.Distinct().ToArray(), orderDesc));

    private sealed record R(int Pk, int C, int V);

    private async Task<List<ResultRow>> AllPages(string cql, int pageSize, Consistency consistency = Consistency.All)
    {
        var rows = new List<ResultRow>();
        ByteString? paging = null;
        int node = 0;
        do
        {
            var page = await F.RunAsync(cql, node: node++ % 3, keyspace: "ks", pageSize: pageSize, pagingState: paging, consistency: consistency);
            Assert.True(page.Rows.Count <= pageSize, $"a page of {page.Rows.Count} rows for page size {pageSize}");
            rows.AddRange(page.Rows);
            paging = page.PagingState.IsEmpty ? null : page.PagingState;
            Assert.True(node < 10_000, "paging does not end");
        }
        while (paging is not null);
        return rows;
    }

    private static List<string> Keys(IEnumerable<ResultRow> rows) =>
        rows.Select(r => $"{Clr(r.Values[0])}/{Clr(r.Values[1])}/{Clr(r.Values[2])}").ToList();

    private static List<string> Keys(IEnumerable<R> rows) => rows.Select(r => $"{r.Pk}/{r.C}/{r.V}").ToList();

    private static IEnumerable<R> PerPartition(IEnumerable<R> rows, int n) =>
        rows.GroupBy(r => r.Pk).SelectMany(g => g.Take(n)); // GroupBy keeps first-appearance order of keys and row order

    private static IEnumerable<R> Limited(IEnumerable<R> rows, int? limit) => limit is { } l ? rows.Take(l) : rows;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Per_partition_limit_top_n_and_group_by_pages_equal_the_model(bool scatterGather)
    {
        F = scatterGather ? data.Parallel : data.Sequential;
        await GenCase.SampleAsync(async c =>
        {
            string table = $"ppl{Interlocked.Increment(ref _tables)}";
            string order = c.Desc ? " WITH CLUSTERING ORDER BY (c DESC)" : "";
            await F.CreateTableAsync($"CREATE TABLE {table} (pk int, c int, v int, PRIMARY KEY (pk, c)){order}", "ks", table);
            foreach (var op in c.Ops)
            {
                await F.RunAsync(op.Delete
                    ? $"DELETE FROM {table} WHERE pk = {op.Pk} AND c = {op.C}"
                    : $"INSERT INTO {table} (pk, c, v) VALUES ({op.Pk}, {op.C}, {op.V})");
            }
            // The model: every row in scan order (token order, then stored clustering order), from one big page.
            var all = (await F.RunAsync($"SELECT pk, c, v FROM {table}", pageSize: 100_000)).Rows
                .Select(r => new R((int)Clr(r.Values[0])!, (int)Clr(r.Values[1])!, (int)Clr(r.Values[2])!)).ToList();
            string limit = c.Limit is { } l ? $" LIMIT {l}" : "";
            string ppl = $" PER PARTITION LIMIT {c.PerPartition}";

            // Range scans, replicas merged (ALL) and one replica with the limit pushed down (ONE).
            var expected = Keys(Limited(PerPartition(all, c.PerPartition), c.Limit));
            Assert.Equal(expected, Keys(await AllPages($"SELECT pk, c, v FROM {table}{ppl}{limit}", c.PageSize)));
            Assert.Equal(expected, Keys(await AllPages($"SELECT pk, c, v FROM {table}{ppl}{limit}", c.PageSize, Consistency.One)));
            // With a coordinator-side filter the limit counts the rows that pass it.
            Assert.Equal(Keys(Limited(PerPartition(all.Where(r => r.V >= 0), c.PerPartition), c.Limit)),
                Keys(await AllPages($"SELECT pk, c, v FROM {table} WHERE v >= 0{ppl}{limit} ALLOW FILTERING", c.PageSize)));

            // IN: partitions in IN order, each cut.
            string inList = string.Join(", ", c.In);
            var inRows = c.In.SelectMany(pk => all.Where(r => r.Pk == pk)).ToList();
            Assert.Equal(Keys(Limited(PerPartition(inRows, c.PerPartition), c.Limit)),
                Keys(await AllPages($"SELECT pk, c, v FROM {table} WHERE pk IN ({inList}){ppl}{limit}", c.PageSize)));

            // Top-N: IN + ORDER BY merges the partitions in clustering order (ties in IN order), with and without PER PARTITION LIMIT.
            string dir = c.OrderDesc ? "DESC" : "ASC";
            List<R> Merge(IEnumerable<R> rows)
            {
                var indexed = rows.Select(r => (r, Index: Array.IndexOf(c.In, r.Pk))).ToList();
                var sorted = c.OrderDesc ? indexed.OrderByDescending(x => x.r.C).ThenBy(x => x.Index) : indexed.OrderBy(x => x.r.C).ThenBy(x => x.Index);
                return sorted.Select(x => x.r).ToList();
            }
            var ordered = c.In.SelectMany(pk => (c.OrderDesc ? all.Where(r => r.Pk == pk).OrderByDescending(r => r.C) : all.Where(r => r.Pk == pk).OrderBy(r => r.C))).ToList();
            Assert.Equal(Keys(Limited(Merge(ordered), c.Limit)),
                Keys(await AllPages($"SELECT pk, c, v FROM {table} WHERE pk IN ({inList}) ORDER BY c {dir}{limit}", c.PageSize)));
            Assert.Equal(Keys(Limited(Merge(PerPartition(ordered, c.PerPartition)), c.Limit)),
                Keys(await AllPages($"SELECT pk, c, v FROM {table} WHERE pk IN ({inList}) ORDER BY c {dir}{ppl}{limit}", c.PageSize)));

            // GROUP BY pk paged: pushed down (scan), folded on the coordinator (ALLOW FILTERING), known partitions (IN).
            List<string> Groups(IEnumerable<R> rows) => rows.GroupBy(r => r.Pk).Select(g => $"{g.Key}/{g.Count()}/{g.Sum(r => r.V)}").ToList();
            List<string> GroupRows(List<ResultRow> rows) => rows.Select(r => $"{Clr(r.Values[0])}/{Clr(r.Values[1])}/{Clr(r.Values[2])}").ToList();
            var groups = Groups(all);
            Assert.Equal(c.Limit is { } sl ? groups.Take(sl).ToList() : groups,
                GroupRows(await AllPages($"SELECT pk, COUNT(*), SUM(v) FROM {table} GROUP BY pk{limit}", c.PageSize)));
            var filteredGroups = Groups(all.Where(r => r.V >= 0));
            Assert.Equal(c.Limit is { } gl ? filteredGroups.Take(gl).ToList() : filteredGroups,
                GroupRows(await AllPages($"SELECT pk, COUNT(*), SUM(v) FROM {table} WHERE v >= 0 GROUP BY pk{limit} ALLOW FILTERING", c.PageSize)));
            var inGroups = Groups(inRows);
            Assert.Equal(c.Limit is { } il ? inGroups.Take(il).ToList() : inGroups,
                GroupRows(await AllPages($"SELECT pk, COUNT(*), SUM(v) FROM {table} WHERE pk IN ({inList}) GROUP BY pk{limit}", c.PageSize)));
        }, iter: 10, threads: 1);
    }

    [Fact]
    public async Task Per_partition_limit_bind_markers_and_errors()
    {
        await F.CreateTableAsync("CREATE TABLE pplerr (pk int, c int, v int, PRIMARY KEY (pk, c))", "ks", "pplerr");
        for (int pk = 0; pk < 3; pk++)
            for (int c = 0; c < 4; c++)
                await F.RunAsync($"INSERT INTO pplerr (pk, c, v) VALUES ({pk}, {c}, {c})");
        var bound = await F.RunAsync("SELECT pk, c FROM pplerr WHERE pk IN (?, ?) PER PARTITION LIMIT ? LIMIT ?", values: [Int(2), Int(0), Int(2), Int(3)]);
        Assert.Equal(["2/0", "2/1", "0/0"], bound.Rows.Select(r => $"{Clr(r.Values[0])}/{Clr(r.Values[1])}").ToList());
        var topN = await F.RunAsync("SELECT pk, c FROM pplerr WHERE pk IN (0, 1, 2) ORDER BY c DESC LIMIT 4");
        Assert.Equal(["0/3", "1/3", "2/3", "0/2"], topN.Rows.Select(r => $"{Clr(r.Values[0])}/{Clr(r.Values[1])}").ToList());

        Assert.Contains("PER PARTITION LIMIT must be strictly positive", await F.InvalidAsync("SELECT * FROM pplerr PER PARTITION LIMIT ?", values: [Int(0)]));
        Assert.Contains("Invalid null value of per partition limit", await F.InvalidAsync("SELECT * FROM pplerr PER PARTITION LIMIT ?", values: [new Value()]));
        Assert.Contains("PER PARTITION LIMIT is not allowed with aggregate queries", await F.InvalidAsync("SELECT COUNT(*) FROM pplerr PER PARTITION LIMIT 1"));
        Assert.Contains("ORDER BY is only supported when the partition key is restricted by an EQ or an IN",
            await F.InvalidAsync("SELECT * FROM pplerr ORDER BY c DESC LIMIT 3"));
        // GROUP BY pk: one group per partition, so PER PARTITION LIMIT changes nothing.
        var grouped = await F.RunAsync("SELECT pk, COUNT(*) FROM pplerr GROUP BY pk PER PARTITION LIMIT 1");
        Assert.All(grouped.Rows, r => Assert.Equal(4L, Clr(r.Values[1])));
        Assert.Equal(3, grouped.Rows.Count);
    }
}
