using Google.Protobuf;
using RingStore.Client.Protos;
using RingStore.Node.Tests.Cluster;
using RingStore.Node.Tests.Cql;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Indexes;

/// <summary>
/// Local secondary indexes through CQL on three in-process nodes (RF 3): CREATE/DROP INDEX propagation, queries by
/// index from every node with LIMIT, paging and the partition key, stale entries after updates, deletes and TTL expiry,
/// a build on existing data, and queries after a restart, a flush and a compaction.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CqlIndexTests(CqlIndexTests.Data data) : IClassFixture<CqlIndexTests.Data>
{
    public sealed class Data : IAsyncLifetime
    {
        public CqlClusterFixture Fixture { get; } = new();

        public Task InitializeAsync() => Fixture.InitializeAsync();

        public Task DisposeAsync() => Fixture.DisposeAsync();
    }

    private CqlClusterFixture F => data.Fixture;

    private async Task WaitForIndexAsync(string keyspace, string table, string index)
    {
        await F.Cluster.WaitUntilAsync(() => Enumerable.Range(0, F.Cluster.Count).All(i =>
                F.Cluster[i].Schema.Current.TryGetTable(keyspace, table, out var t) && t.Options.IndexNamed(index) is not null
                && F.Cluster[i].Engine.IndexStatuses().Any(s => s.Table == $"{keyspace}.{table}" && s.Index == index && s.Built)),
            TimeSpan.FromSeconds(60), $"every node has built {keyspace}.{index}");
    }

    /// <summary>Every page of a query (page size <paramref name="pageSize"/>) from a rotating coordinator, first column.</summary>
    private async Task<List<object?>> AllPagesAsync(string cql, int pageSize, Consistency consistency = Consistency.All)
    {
        var all = new List<object?>();
        ByteString? state = null;
        for (int page = 0; page < 1000; page++)
        {
            var response = await F.RunAsync(cql, node: page % 3, pageSize: pageSize, pagingState: state, consistency: consistency);
            Assert.True(response.Rows.Count <= pageSize);
            all.AddRange(response.Column(0));
            if (response.PagingState.IsEmpty) return all;
            state = response.PagingState;
        }
        throw new InvalidOperationException("too many pages");
    }

    [Fact]
    public async Task Query_by_index_from_every_node_with_limit_paging_and_partition_key()
    {
        await F.CreateTableAsync("CREATE TABLE users (id bigint, ck int, email text, city text, PRIMARY KEY (id, ck))", "ks", "users");
        var created = await F.RunAsync("CREATE INDEX by_city ON users (city)");
        Assert.Equal("UPDATED TABLE ks.users", created.SchemaChange);
        await WaitForIndexAsync("ks", "users", "by_city");
        // Drivers see it in system_schema.indexes (from any node: the schema propagated).
        var indexes = RingStore.Node.Native.SystemTables.SystemSchemaTables.Build("indexes", F.Cluster[2].Schema.Current)!;
        var row = Assert.Single(indexes.Rows, r => (string?)r[2] == "by_city");
        Assert.Equal<object?>(["ks", "users", "by_city", "COMPOSITES"], row.Take(4));
        Assert.Equal("city", ((Dictionary<string, string>)row[4]!)["target"]);
        Assert.Equal(ExecuteResponse.Types.Kind.Void, (await F.RunAsync("CREATE INDEX IF NOT EXISTS by_city ON users (city)")).Kind);
        Assert.Contains("already exists", await F.InvalidAsync("CREATE INDEX by_city ON users (email)"));
        Assert.Contains("primary key column", await F.InvalidAsync("CREATE INDEX ON users (ck)"));

        var expected = new List<long>();
        for (long id = 0; id < 40; id++)
        for (int ck = 0; ck < 2; ck++)
        {
            string city = (id + ck) % 4 == 0 ? "oslo" : "rome";
            await F.RunAsync($"INSERT INTO users (id, ck, email, city) VALUES ({id}, {ck}, 'u{id}', '{city}')", node: (int)(id % 3));
            if (city == "oslo") expected.Add(id * 10 + ck);
        }
        // The order is the ring's (token, key, clustering); compare as sets, and pages against one read.
        for (int node = 0; node < 3; node++)
        {
            var rows = await F.RunAsync("SELECT id, ck FROM users WHERE city = 'oslo'", node: node);
            Assert.Equal(expected.Order(), rows.Rows.Select(r => r.Values[0].Bigint * 10 + r.Values[1].Int).Order());
        }
        var one = (await F.RunAsync("SELECT id FROM users WHERE city = 'oslo'")).Column(0);
        Assert.Equal(one, await AllPagesAsync("SELECT id FROM users WHERE city = 'oslo'", 3));
        Assert.Equal(one.Take(5), (await F.RunAsync("SELECT id FROM users WHERE city = 'oslo' LIMIT 5")).Column(0));
        Assert.Equal(one.Take(7), await AllPagesAsync("SELECT id FROM users WHERE city = 'oslo' LIMIT 7", 2));
        Assert.Equal(expected.Count, (int)(await F.RunAsync("SELECT COUNT(*) FROM users WHERE city = 'oslo'")).Rows[0].Values[0].Bigint);
        Assert.Equal<object?>([4L], (await F.RunAsync("SELECT id FROM users WHERE id = 4 AND city = 'oslo'")).Column(0));
        Assert.Equal<object?>([3L], (await F.RunAsync("SELECT id FROM users WHERE id = 3 AND city = 'oslo'")).Column(0)); // ck 1 of id 3
        Assert.Empty((await F.RunAsync("SELECT id FROM users WHERE id = 5 AND city = 'oslo'")).Rows);
        Assert.Equal<object?>([4L], (await F.RunAsync("SELECT id FROM users WHERE city = ? AND email = 'u4' AND ck = 0 ALLOW FILTERING", values: [Text("oslo")])).Column(0));

        // Other restrictions need ALLOW FILTERING, as without an index; ORDER BY is refused.
        Assert.Contains("ALLOW FILTERING", await F.InvalidAsync("SELECT id FROM users WHERE city = 'oslo' AND email = 'u4'"));
        Assert.Contains("ALLOW FILTERING", await F.InvalidAsync("SELECT id FROM users WHERE email = 'u4'"));
        Assert.Contains("ORDER BY", await F.InvalidAsync("SELECT id FROM users WHERE city = 'oslo' ORDER BY ck"));

        // DROP INDEX: the same query needs ALLOW FILTERING again.
        Assert.Equal("UPDATED TABLE ks.users", (await F.RunAsync("DROP INDEX ks.by_city")).SchemaChange);
        await F.Cluster.WaitUntilAsync(() => Enumerable.Range(0, 3).All(i => F.Cluster[i].Engine.IndexStatuses().All(s => s.Index != "by_city")),
            TimeSpan.FromSeconds(30), "every node dropped by_city");
        Assert.Contains("ALLOW FILTERING", await F.InvalidAsync("SELECT id FROM users WHERE city = 'oslo'"));
        Assert.Equal(ExecuteResponse.Types.Kind.Void, (await F.RunAsync("DROP INDEX IF EXISTS by_city")).Kind);
        Assert.Contains("doesn't exist", await F.InvalidAsync("DROP INDEX by_city"));
    }

    [Fact]
    public async Task Stale_entries_after_updates_deletes_and_expiry_never_return_rows()
    {
        await F.CreateTableAsync("CREATE TABLE items (id bigint PRIMARY KEY, state text, note text)", "ks", "items");
        await F.RunAsync("CREATE INDEX ON items (state)");
        await WaitForIndexAsync("ks", "items", "items_state_idx");
        for (long id = 0; id < 10; id++) await F.RunAsync($"INSERT INTO items (id, state, note) VALUES ({id}, 'new', 'n')");
        await F.RunAsync("UPDATE items SET state = 'done' WHERE id = 1");
        await F.RunAsync("DELETE FROM items WHERE id = 2");
        await F.RunAsync("DELETE state FROM items WHERE id = 3");
        await F.RunAsync("UPDATE items SET state = null WHERE id = 4");
        await F.RunAsync("INSERT INTO items (id, state) VALUES (5, 'new') USING TTL 1");
        // Flushed and compacted on one node: the stale entries survive in SSTables there.
        await F.Cluster[1].Engine.FlushAsync();
        await F.Cluster[1].Engine.CompactAsync();

        await F.Cluster.WaitUntilAsync(() => F.Cluster[0].Engine.ReadRow("ks.items", Core.Values.PartitionKeyCodec.Serialize(
                [new Core.Schema.ColumnDefinition("id", Core.Schema.ColumnType.BigInt)], [5L]), [])?.CellFor(0) is null,
            TimeSpan.FromSeconds(30), "the TTL of row 5's state expired");
        for (int node = 0; node < 3; node++)
        {
            Assert.Equal<object?>([0L, 6L, 7L, 8L, 9L], (await F.RunAsync("SELECT id FROM items WHERE state = 'new'", node: node)).Column(0).Order().ToList());
            Assert.Equal<object?>([1L], (await F.RunAsync("SELECT id FROM items WHERE state = 'done'", node: node)).Column(0));
        }
        // A changed value comes back under the new one only, at any level the cluster can answer.
        await F.RunAsync("UPDATE items SET state = 'new' WHERE id = 1", consistency: Consistency.Quorum);
        Assert.Empty((await F.RunAsync("SELECT id FROM items WHERE state = 'done'", consistency: Consistency.Quorum)).Rows);
        Assert.Contains((object?)1L, (await F.RunAsync("SELECT id FROM items WHERE state = 'new'", node: 2, consistency: Consistency.Quorum)).Column(0));
    }

    [Fact]
    public async Task Create_index_on_existing_data_builds_it_and_it_survives_restart_flush_and_compaction()
    {
        await F.CreateTableAsync("CREATE TABLE logs (id bigint, seq int, level text, PRIMARY KEY (id, seq))", "ks", "logs");
        var expected = new List<long>();
        for (long id = 0; id < 30; id++)
        for (int seq = 0; seq < 5; seq++)
        {
            string level = (id * 5 + seq) % 7 == 0 ? "error" : "info";
            await F.RunAsync($"INSERT INTO logs (id, seq, level) VALUES ({id}, {seq}, '{level}')");
            if (level == "error") expected.Add(id * 10 + seq);
        }
        foreach (var node in Enumerable.Range(0, 3)) await F.Cluster[node].Engine.FlushAsync();
        await F.RunAsync("CREATE INDEX by_level ON logs (level)");
        await WaitForIndexAsync("ks", "logs", "by_level");
        Assert.All(Enumerable.Range(0, 3), node =>
            Assert.Equal(150, F.Cluster[node].Engine.IndexStatuses().Single(s => s.Index == "by_level").EntriesBuilt));

        async Task CheckAsync(string when)
        {
            for (int node = 0; node < 3; node++)
            {
                var rows = await F.RunAsync("SELECT id, seq FROM logs WHERE level = 'error'", node: node, consistency: Consistency.One);
                Assert.True(expected.Order().SequenceEqual(rows.Rows.Select(r => r.Values[0].Bigint * 10 + r.Values[1].Int).Order()), $"{when}, node {node}");
            }
        }
        await CheckAsync("after the build");

        // Writes after the build, only in memtables and the commit log, then node 2 restarts: replay rebuilds its index entries.
        for (long id = 100; id < 110; id++)
        {
            await F.RunAsync($"INSERT INTO logs (id, seq, level) VALUES ({id}, 0, 'error')");
            expected.Add(id * 10);
        }
        await F.Cluster.StopNodeAsync(2);
        await F.Cluster.StartNodeAsync(2);
        await F.Cluster.WaitUntilAsync(F.Cluster.AllSeeAllUp, TimeSpan.FromSeconds(60), "node 2 is back");
        await WaitForIndexAsync("ks", "logs", "by_level");
        Assert.Equal(0, F.Cluster[2].Engine.IndexStatuses().Single(s => s.Index == "by_level").EntriesBuilt); // not rebuilt: replayed
        await CheckAsync("after a restart");

        foreach (var node in Enumerable.Range(0, 3))
        {
            await F.Cluster[node].Engine.FlushAsync();
            await F.Cluster[node].Engine.CompactAsync();
        }
        await CheckAsync("after flush and compaction");
    }
}
