using Google.Protobuf;
using RingStore.Client.Protos;
using RingStore.Node.Api;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Cql;
using RingStore.Node.Tests.Cluster;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Cql;

/// <summary>SELECT on three nodes: DESC slices, ORDER BY, LIMIT, paging, IN, COUNT(*), token(), range scans, filtering, prepared statements.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CqlSelectTests(CqlSelectTests.Data data) : IClassFixture<CqlSelectTests.Data>
{
    /// <summary>The cluster with two tables loaded once: events (DESC clustering) and scan (60 partitions x 2 rows) in ks and ks1.</summary>
    public sealed class Data : IAsyncLifetime
    {
        public CqlClusterFixture Fixture { get; } = new();

        public async Task InitializeAsync()
        {
            await Fixture.InitializeAsync();
            await Fixture.CreateTableAsync("CREATE TABLE events (id bigint, time_bucket text, ts bigint, v text, n int, PRIMARY KEY ((id, time_bucket), ts)) " +
                "WITH CLUSTERING ORDER BY (ts DESC)", "ks", "events");
            for (int ts = 1; ts <= 20; ts++) await Fixture.RunAsync($"INSERT INTO events (id, time_bucket, ts, v, n) VALUES (1, 'b', {ts}, 'v{ts}', {ts % 3})");
            for (int ts = 1; ts <= 3; ts++) await Fixture.RunAsync($"INSERT INTO events (id, time_bucket, ts, v, n) VALUES (2, 'b', {ts}, 'w{ts}', 0)");
            foreach (var ks in new[] { "ks", "ks1" })
            {
                await Fixture.CreateTableAsync("CREATE TABLE scan (pk bigint, ck int, v text, PRIMARY KEY (pk, ck))", ks, "scan");
                for (int pk = 0; pk < 60; pk++)
                    await Fixture.RunAsync($"BEGIN BATCH INSERT INTO scan (pk, ck, v) VALUES ({pk}, 0, 'v{pk % 5}'); INSERT INTO scan (pk, ck, v) VALUES ({pk}, 1, 'x') APPLY BATCH", keyspace: ks);
            }
        }

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }

    private CqlClusterFixture F => data.Fixture;

    private const string Partition1 = "FROM events WHERE id = 1 AND time_bucket = 'b'";

    [Fact]
    public async Task Desc_clustering_slices_and_order_by_reversal()
    {
        Assert.Equal<object?>([9L, 8L, 7L, 6L], (await F.RunAsync($"SELECT ts {Partition1} AND ts > 5 AND ts <= 9")).Column(0));
        Assert.Equal<object?>([6L, 7L, 8L, 9L], (await F.RunAsync($"SELECT ts {Partition1} AND ts > 5 AND ts <= 9 ORDER BY ts ASC", node: 1)).Column(0));
        Assert.Equal<object?>([20L, 19L, 18L], (await F.RunAsync($"SELECT ts {Partition1} AND ts >= 18")).Column(0));
        Assert.Equal<object?>([2L, 1L], (await F.RunAsync($"SELECT ts {Partition1} AND ts < 3")).Column(0));
        Assert.Equal<object?>([1L, 2L], (await F.RunAsync($"SELECT ts {Partition1} ORDER BY ts ASC LIMIT 2")).Column(0));
        Assert.Equal<object?>([20L, 19L, 18L], (await F.RunAsync($"SELECT ts {Partition1} ORDER BY ts DESC LIMIT ?", values: [Int(3)])).Column(0));
        Assert.Equal<object?>([15L, 7L, 3L], (await F.RunAsync($"SELECT ts {Partition1} AND ts IN (3, 15, 7)")).Column(0));
        // IN on clustering values is one multi-slice read: clustering order, reversed by ORDER BY, LIMIT across the values,
        // and pages that resume inside the value list (from another coordinator each page).
        Assert.Equal<object?>([3L, 7L, 15L], (await F.RunAsync($"SELECT ts {Partition1} AND ts IN (3, 15, 7, 99) ORDER BY ts ASC")).Column(0));
        Assert.Equal<object?>([15L, 7L], (await F.RunAsync($"SELECT ts {Partition1} AND ts IN (3, 15, 7) LIMIT 2")).Column(0));
        Assert.Equal([[3L, 7L], [9L, 15L], [18L]], await Pages($"SELECT ts {Partition1} AND ts IN (18, 3, 15, 9, 7) ORDER BY ts ASC", 2));
        Assert.Equal([[18L, 15L], [9L]], await Pages($"SELECT ts {Partition1} AND ts IN (18, 3, 15, 9, 7) LIMIT 3", 2));
        Assert.Equal(0L, (await F.RunAsync($"SELECT COUNT(*) {Partition1} AND ts IN (100, 200)")).Rows[0].Values[0].Bigint);
        Assert.Equal(3L, (await F.RunAsync($"SELECT COUNT(*) {Partition1} AND ts IN (1, 2, 20, 200)")).Rows[0].Values[0].Bigint);
        Assert.Equal<object?>(["v7"], (await F.RunAsync($"SELECT v {Partition1} AND ts = 7", node: 2)).Column(0));
        var aliased = await F.RunAsync($"SELECT ts AS t, v {Partition1} LIMIT 1");
        Assert.Equal(["t", "v"], aliased.ColumnNames());
        Assert.True(aliased.Columns[0].Descending);
    }

    [Fact]
    public async Task Paging_walks_pages_forward_and_reversed_and_carries_the_limit()
    {
        Assert.Equal([[20L, 19L, 18L, 17L, 16L, 15L, 14L], [13L, 12L, 11L, 10L, 9L, 8L, 7L], [6L, 5L, 4L, 3L, 2L, 1L]], await Pages($"SELECT ts {Partition1}", 7));
        Assert.Equal([[1L, 2L, 3L, 4L, 5L, 6L, 7L], [8L, 9L, 10L, 11L, 12L, 13L, 14L], [15L, 16L, 17L, 18L, 19L, 20L]],
            await Pages($"SELECT ts {Partition1} ORDER BY ts ASC", 7));
        Assert.Equal([[20L, 19L, 18L, 17L], [16L, 15L, 14L, 13L], [12L, 11L]], await Pages($"SELECT ts {Partition1} LIMIT 10", 4));
        // IN on the partition key: partitions in IN order, paged across the partition boundary.
        Assert.Equal([[2L, 3L], [2L, 2L], [2L, 1L], [1L, 20L]],
            await Pages("SELECT id, ts FROM events WHERE id IN (2, 1) AND time_bucket = 'b' LIMIT 4", 1, pair: true));
    }

    [Fact]
    public async Task Count_and_token_selectors()
    {
        var count = await F.RunAsync($"SELECT COUNT(*) {Partition1}");
        Assert.Equal(["count"], count.ColumnNames());
        Assert.Equal<object?>([20L], count.Column(0));
        Assert.Equal<object?>([4L], (await F.RunAsync($"SELECT COUNT(*) {Partition1} AND ts > 16", pageSize: 1)).Column(0));
        Assert.Equal<object?>([120L], (await F.RunAsync("SELECT COUNT(*) AS c FROM scan", node: 1)).Column(0));
        Assert.Equal(["c"], (await F.RunAsync("SELECT COUNT(1) AS c FROM scan")).ColumnNames());

        var token = await F.RunAsync($"SELECT token(id, time_bucket), ts {Partition1} LIMIT 1");
        Assert.Equal(["system.token(id, time_bucket)", "ts"], token.ColumnNames());
        var key = PartitionKeyCodec.Serialize([new ColumnDefinition("id", Core.Schema.ColumnType.BigInt), new ColumnDefinition("time_bucket", Core.Schema.ColumnType.Text)], [1L, "b"]);
        Assert.Equal<object?>([Murmur3Partitioner.GetToken(key).Value], token.Column(0));
        Assert.Equal(["tok"], (await F.RunAsync("SELECT token(pk) AS tok FROM scan LIMIT 1")).ColumnNames());
    }

    [Theory]
    [InlineData("ks", 0)]
    [InlineData("ks", 2)]
    [InlineData("ks1", 1)]
    public async Task Range_scans_return_every_row_once_in_token_order_across_pages_and_token_intervals(string keyspace, int node)
    {
        var rows = new List<(long Pk, int Ck, long Token)>();
        ByteString? paging = null;
        int pages = 0;
        do
        {
            var page = await F.RunAsync("SELECT pk, ck, token(pk) FROM scan", node: node, keyspace: keyspace, pageSize: 7, pagingState: paging, consistency: Consistency.One);
            Assert.True(page.Rows.Count <= 7);
            rows.AddRange(page.Rows.Select(r => (r.Values[0].Bigint, r.Values[1].Int, r.Values[2].Bigint)));
            paging = page.PagingState.IsEmpty ? null : page.PagingState;
            Assert.True(++pages < 100);
        }
        while (paging is not null);
        AssertEveryRowOnce(rows);
        Assert.Equal(rows.Select(r => r.Token).Order(), rows.Select(r => r.Token));

        // Consecutive token intervals, with every operator, cover the ring exactly once.
        const long a = -3_000_000_000_000_000_000, b = 0, c = 4_000_000_000_000_000_000;
        var pieces = new List<(long, int, long)>();
        foreach (var (where, values) in new (string, Value[])[]
        {
            ("token(pk) <= ?", [Big(a)]),
            ("token(pk) > ? AND token(pk) < ?", [Big(a), Big(b + 1)]),
            ("token(pk) >= ? AND token(pk) <= ?", [Big(b + 1), Big(c)]),
            ("token(pk) > ?", [Big(c)]),
        })
        {
            var result = await F.RunAsync($"SELECT pk, ck, token(pk) FROM scan WHERE {where}", node: node, keyspace: keyspace, values: values, consistency: Consistency.One);
            pieces.AddRange(result.Rows.Select(r => (r.Values[0].Bigint, r.Values[1].Int, r.Values[2].Bigint)));
        }
        AssertEveryRowOnce(pieces);
        Assert.Empty((await F.RunAsync("SELECT pk FROM scan WHERE token(pk) > 5 AND token(pk) < 5", keyspace: keyspace)).Rows);
    }

    [Fact]
    public async Task Filtering_needs_allow_filtering_except_for_a_full_scan()
    {
        Assert.Equal(SelectExecutor.FilteringMessage, await F.InvalidAsync("SELECT pk FROM scan WHERE v = 'v1'"));
        Assert.Equal(SelectExecutor.FilteringMessage, await F.InvalidAsync("SELECT pk FROM scan WHERE ck = 1"));
        Assert.Equal(SelectExecutor.FilteringMessage, await F.InvalidAsync($"SELECT ts {Partition1} AND n = 0"));
        Assert.Equal(SelectExecutor.FilteringMessage, await F.InvalidAsync("SELECT ts FROM events WHERE id = 1"));
        Assert.Equal("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.", await F.InvalidAsync("SELECT pk FROM scan ORDER BY ck"));

        Assert.Equal<object?>([18L, 15L, 12L, 9L, 6L, 3L], (await F.RunAsync($"SELECT ts {Partition1} AND n = 0 ALLOW FILTERING")).Column(0));
        var filtered = await F.RunAsync("SELECT pk FROM scan WHERE v = 'v1' AND pk < 30 ALLOW FILTERING", pageSize: 2);
        Assert.Equal(2, filtered.Rows.Count);
        var all = await F.RunAsync("SELECT pk, ck FROM scan WHERE v = 'v1' AND pk < 30 ALLOW FILTERING");
        Assert.Equal([1L, 6L, 11L, 16L, 21L, 26L], all.Rows.Select(r => r.Values[0].Bigint).Order());
        Assert.Equal<object?>([1L, 2L, 3L, 20L], (await F.RunAsync("SELECT ts FROM events WHERE time_bucket = 'b' AND ts IN (1, 2, 3, 20) AND id = 2 ALLOW FILTERING")).Column(0)
            .Concat((await F.RunAsync("SELECT ts FROM events WHERE ts = 20 ALLOW FILTERING")).Column(0)).Order());
    }

    [Fact]
    public async Task Prepared_statements_describe_their_markers_and_run_on_any_node()
    {
        var prepared = F.Cluster[0].Cql.Prepare(new PrepareRequest { Statement = "SELECT v FROM scan WHERE pk = ? AND ck = ? LIMIT ?", Keyspace = "ks" });
        Assert.Equal(["pk", "ck", "[limit]"], prepared.BindColumns.Select(c => c.Name));
        Assert.Equal([Client.Protos.ColumnType.Bigint, Client.Protos.ColumnType.Int, Client.Protos.ColumnType.Int], prepared.BindColumns.Select(c => c.Type));
        Assert.Equal(["v"], prepared.ResultColumns.Select(c => c.Name));
        Assert.Equal([0], prepared.PartitionKeyBindIndexes);
        Assert.Equal(("ks", "scan"), (prepared.Keyspace, prepared.Table));
        Assert.Equal(PreparedStatementCache.IdOf("ks", "SELECT v FROM scan WHERE pk = ? AND ck = ? LIMIT ?"), prepared.PreparedId.ToByteArray());

        foreach (int node in new[] { 0, 2 })
        {
            // Node 2 never saw the Prepare: it re-parses the text that comes with the id.
            var request = new ExecuteRequest { PreparedId = prepared.PreparedId, Statement = node == 0 ? "" : "SELECT v FROM scan WHERE pk = ? AND ck = ? LIMIT ?", Keyspace = "ks" };
            request.Values.AddRange([Big(7), Int(0), Int(10)]);
            Assert.Equal<object?>(["v2"], (await F.Cluster[node].Cql.ExecuteAsync(request, CancellationToken.None)).Column(0));
        }

        var insert = F.Cluster[1].Cql.Prepare(new PrepareRequest { Statement = "INSERT INTO ks.scan (ck, pk, v) VALUES (?, ?, ?) USING TTL ? AND TIMESTAMP ?" });
        Assert.Equal(["ck", "pk", "v", "[ttl]", "[timestamp]"], insert.BindColumns.Select(c => c.Name));
        Assert.Equal([1], insert.PartitionKeyBindIndexes);
        var token = F.Cluster[1].Cql.Prepare(new PrepareRequest { Statement = "SELECT pk FROM scan WHERE token(pk) > token(?) AND token(pk) <= ?", Keyspace = "ks" });
        Assert.Equal(["pk", "partition key token"], token.BindColumns.Select(c => c.Name));
        Assert.Empty(token.PartitionKeyBindIndexes);
        Assert.Equal("unconfigured table nope", Assert.Throws<Core.Errors.InvalidRequestException>(() =>
            F.Cluster[0].Cql.Prepare(new PrepareRequest { Statement = "SELECT * FROM nope", Keyspace = "ks" })).Message);
    }

    private static void AssertEveryRowOnce(List<(long Pk, int Ck, long Token)> rows)
    {
        Assert.Equal(120, rows.Count);
        Assert.Equal(120, rows.Select(r => (r.Pk, r.Ck)).Distinct().Count());
        Assert.All(rows, r => Assert.InRange(r.Pk, 0, 59));
    }

    /// <summary>Runs a query page by page; each page's first column (or, with <paramref name="pair"/>, the first two per row).</summary>
    private async Task<List<List<long>>> Pages(string cql, int pageSize, bool pair = false)
    {
        var pages = new List<List<long>>();
        ByteString? paging = null;
        do
        {
            var page = await F.RunAsync(cql, node: pages.Count % 3, pageSize: pageSize, pagingState: paging);
            pages.Add(page.Rows.SelectMany(r => pair ? new[] { r.Values[0].Bigint, r.Values[1].Bigint } : [r.Values[0].Bigint]).ToList());
            paging = page.PagingState.IsEmpty ? null : page.PagingState;
            Assert.True(pages.Count < 50);
        }
        while (paging is not null);
        return pages;
    }
}
