using RingStore.Client.Protos;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Node.Tests.Cluster;
using static RingStore.Node.Tests.Cql.Rows;

namespace RingStore.Node.Tests.Cql;

/// <summary>Schema statements, USE, every write kind, TTL and timestamps, TRUNCATE and the error messages, on three nodes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CqlWriteAndSchemaTests(CqlClusterFixture fixture) : IClassFixture<CqlClusterFixture>
{
    private const string Events =
        "CREATE TABLE events (id bigint, time_bucket text, ts bigint, v text, PRIMARY KEY ((id, time_bucket), ts)) WITH CLUSTERING ORDER BY (ts DESC)";

    [Fact]
    public async Task Schema_statements_answer_schema_changes_and_use_sets_the_keyspace()
    {
        var created = await fixture.RunAsync("CREATE TABLE ks.schema_t (id bigint PRIMARY KEY, v text) WITH default_time_to_live = 60 AND gc_grace_seconds = 10 " +
            "AND compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': 2, 'compaction_window_unit': 'HOURS'}");
        Assert.Equal(ExecuteResponse.Types.Kind.SchemaChange, created.Kind);
        Assert.Equal("CREATED TABLE ks.schema_t", created.SchemaChange);
        Assert.Equal(fixture.Cluster[0].Schema.Current.Version.ToString(), created.SchemaVersion);
        await fixture.Cluster.WaitUntilAsync(() => fixture.Cluster[2].Schema.Current.TryGetTable("ks", "schema_t", out _), TimeSpan.FromSeconds(10), "node 2 has it");
        Assert.True(fixture.Cluster[1].Schema.Current.TryGetTable("ks", "schema_t", out var table));
        Assert.Equal(CompactionStrategyKind.TimeWindow, table!.Options.Compaction);
        Assert.Equal(TimeSpan.FromHours(2), table.Options.CompactionWindow);
        Assert.Equal(60, table.Options.DefaultTimeToLiveSeconds);
        Assert.Equal(10, table.Options.GcGraceSeconds);

        var again = await fixture.RunAsync("CREATE TABLE IF NOT EXISTS schema_t (id bigint PRIMARY KEY, v text)");
        Assert.Equal(ExecuteResponse.Types.Kind.Void, again.Kind);
        Assert.Equal("DROPPED TABLE ks.schema_t", (await fixture.RunAsync("DROP TABLE schema_t")).SchemaChange);
        Assert.Equal(ExecuteResponse.Types.Kind.Void, (await fixture.RunAsync("DROP TABLE IF EXISTS schema_t")).Kind);
        Assert.Equal("Table 'ks.schema_t' doesn't exist", await fixture.InvalidAsync("DROP TABLE schema_t"));

        Assert.Equal("CREATED KEYSPACE tmp", (await fixture.RunAsync("CREATE KEYSPACE tmp WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '2'}")).SchemaChange);
        var use = await fixture.RunAsync("USE tmp", keyspace: "");
        Assert.Equal(ExecuteResponse.Types.Kind.SetKeyspace, use.Kind);
        Assert.Equal("tmp", use.Keyspace);
        Assert.Equal("DROPPED KEYSPACE tmp", (await fixture.RunAsync("DROP KEYSPACE tmp")).SchemaChange);
        Assert.Equal("Keyspace 'tmp' does not exist", await fixture.InvalidAsync("USE tmp"));
        Assert.Equal("Keyspace 'tmp' doesn't exist", await fixture.InvalidAsync("DROP KEYSPACE tmp"));
    }

    [Fact]
    public async Task Insert_and_select_round_trip_every_type_from_literals_and_bind_markers()
    {
        await fixture.CreateTableAsync("CREATE TABLE types (id text PRIMARY KEY, b bigint, i int, t text, bl blob, bo boolean, d double, ts timestamp, u uuid, tu timeuuid)",
            "ks", "types");
        await fixture.RunAsync("INSERT INTO types (id, b, i, t, bl, bo, d, ts, u, tu) VALUES ('lit', 9223372036854775807, -5, 'héllo', 0xCAFE, true, 1.5, " +
            "'2026-11-23T10:00:00Z', 123e4567-e89b-12d3-a456-426614174000, 5b6962dd-3f90-11ea-9a08-0242ac120002)");
        await fixture.RunAsync("INSERT INTO types (id, b, i, t, bl, bo, d, ts, u, tu) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", node: 1, values:
        [
            Text("bound"), Big(long.MinValue), Int(int.MaxValue), Text(""), new Value { Blob = Google.Protobuf.ByteString.CopyFrom(0, 1) },
            new Value { Boolean = false }, new Value { Double = -0.25 }, new Value { Timestamp = 1_700_000_000_123 },
            new Value { Uuid = "123e4567-e89b-12d3-a456-426614174000" }, new Value { Timeuuid = "5b6962dd-3f90-11ea-9a08-0242ac120002" },
        ]);

        var literal = await fixture.RunAsync("SELECT * FROM types WHERE id = 'lit'", node: 2);
        Assert.Equal(["id", "b", "i", "t", "bl", "bo", "d", "ts", "u", "tu"], literal.ColumnNames());
        Assert.Equal<object?>(["lit", long.MaxValue, -5, "héllo", "CAFE", true, 1.5, DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            "123e4567-e89b-12d3-a456-426614174000", "5b6962dd-3f90-11ea-9a08-0242ac120002"], Assert.Single(literal.Rows).Values.Select(Clr));
        var bound = await fixture.RunAsync("SELECT * FROM types WHERE id = ?", values: [Text("bound")]);
        Assert.Equal<object?>(["bound", long.MinValue, int.MaxValue, "", "0001", false, -0.25, 1_700_000_000_123L,
            "123e4567-e89b-12d3-a456-426614174000", "5b6962dd-3f90-11ea-9a08-0242ac120002"], Assert.Single(bound.Rows).Values.Select(Clr));
    }

    [Fact]
    public async Task Ttl_expires_and_timestamps_order_writes_whatever_their_arrival()
    {
        await fixture.CreateTableAsync("CREATE TABLE kv (k bigint PRIMARY KEY, v text)", "ks", "kv");
        await fixture.RunAsync("INSERT INTO kv (k, v) VALUES (1, 'brief') USING TTL 1");
        // It may already have expired by the time a SELECT runs: check the stored cell, then wait for it to vanish.
        var stored = fixture.Cluster[1].Engine.ReadUnfiltered(new Core.Reads.SliceQuery("ks.kv", [0, 0, 0, 0, 0, 0, 0, 1], Core.Data.ClusteringSlice.All));
        var row = Assert.Single(stored!.Rows);
        Assert.Equal(1, row.Liveness.TtlSeconds);
        Assert.Equal(1, Assert.Single(row.Cells).TtlSeconds);
        await fixture.RunAsync("INSERT INTO kv (k, v) VALUES (3, 'kept') USING TTL 600");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await fixture.RunAsync("SELECT v FROM kv WHERE k = 1")).Rows.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "a TTL of 1 s never expired");
            await Task.Delay(200);
        }
        Assert.Equal(["kept"], (await fixture.RunAsync("SELECT v FROM kv WHERE k = 3")).Column(0));

        await fixture.RunAsync("INSERT INTO kv (k, v) VALUES (2, 'new') USING TIMESTAMP 2000");
        await fixture.RunAsync("INSERT INTO kv (k, v) VALUES (2, 'old') USING TIMESTAMP 1000", node: 1);
        Assert.Equal(["new"], (await fixture.RunAsync("SELECT v FROM kv WHERE k = 2", node: 2)).Column(0));
        await fixture.RunAsync("DELETE FROM kv USING TIMESTAMP 1500 WHERE k = 2");
        Assert.Equal(["new"], (await fixture.RunAsync("SELECT v FROM kv WHERE k = 2")).Column(0));
        await fixture.RunAsync("DELETE FROM kv USING TIMESTAMP 3000 WHERE k = 2");
        Assert.Empty((await fixture.RunAsync("SELECT v FROM kv WHERE k = 2")).Rows);
    }

    [Fact]
    public async Task Update_and_delete_of_cells_rows_ranges_and_partitions()
    {
        await fixture.CreateTableAsync("CREATE TABLE d (pk bigint, ck int, a text, b text, PRIMARY KEY (pk, ck))", "ks", "d");
        for (int ck = 1; ck <= 6; ck++) await fixture.RunAsync($"INSERT INTO d (pk, ck, a, b) VALUES (1, {ck}, 'a{ck}', 'b{ck}')");

        await fixture.RunAsync("DELETE a FROM d WHERE pk = 1 AND ck = 1");
        var first = await fixture.RunAsync("SELECT a, b FROM d WHERE pk = 1 AND ck = 1");
        Assert.Equal<object?>([null, "b1"], Assert.Single(first.Rows).Values.Select(Clr));
        await fixture.RunAsync("DELETE FROM d WHERE pk = 1 AND ck = 2");
        await fixture.RunAsync("DELETE FROM d WHERE pk = 1 AND ck >= 4 AND ck < 6");
        Assert.Equal<object?>([1, 3, 6], (await fixture.RunAsync("SELECT ck FROM d WHERE pk = 1", node: 1)).Column(0));
        await fixture.RunAsync("DELETE FROM d WHERE pk = 1");
        Assert.Empty((await fixture.RunAsync("SELECT ck FROM d WHERE pk = 1", node: 2)).Rows);

        // UPDATE writes no row marker: the row goes when its last cell does. IN fans out to several rows.
        await fixture.RunAsync("UPDATE d SET a = 'u' WHERE pk = 2 AND ck IN (1, 2)");
        Assert.Equal<object?>([1, 2], (await fixture.RunAsync("SELECT ck FROM d WHERE pk = 2")).Column(0));
        await fixture.RunAsync("UPDATE d SET a = null WHERE pk = 2 AND ck = 1");
        Assert.Equal<object?>([2], (await fixture.RunAsync("SELECT ck FROM d WHERE pk = 2")).Column(0));
        // INSERT writes one: a row with only null columns still exists.
        await fixture.RunAsync("INSERT INTO d (pk, ck) VALUES (2, 7)");
        Assert.Equal<object?>([2, 7], (await fixture.RunAsync("SELECT ck FROM d WHERE pk = 2")).Column(0));
    }

    [Fact]
    public async Task Batch_applies_everything_with_its_timestamp_and_a_failing_batch_writes_nothing()
    {
        await fixture.CreateTableAsync("CREATE TABLE bt (pk bigint, ck int, a text, PRIMARY KEY (pk, ck))", "ks", "bt");
        await fixture.RunAsync("BEGIN BATCH USING TIMESTAMP 5000 INSERT INTO bt (pk, ck, a) VALUES (3, 1, 'x'); INSERT INTO bt (pk, ck, a) VALUES (3, 2, ?); " +
            "UPDATE bt SET a = 'z' WHERE pk = 4 AND ck = 1; APPLY BATCH", values: [Text("y")]);
        await fixture.RunAsync("INSERT INTO bt (pk, ck, a) VALUES (3, 1, 'older') USING TIMESTAMP 4000");
        Assert.Equal<object?>(["x", "y"], (await fixture.RunAsync("SELECT a FROM bt WHERE pk = 3")).Column(0));
        Assert.Equal<object?>(["z"], (await fixture.RunAsync("SELECT a FROM bt WHERE pk = 4")).Column(0));

        string error = await fixture.InvalidAsync("BEGIN BATCH INSERT INTO bt (pk, ck, a) VALUES (77, 1, 'ok'); INSERT INTO bt (pk, ck, a) VALUES (78, 'one', 'bad'); APPLY BATCH");
        Assert.Equal("Invalid STRING constant (one) for \"ck\" of type int", error);
        for (int node = 0; node < 3; node++)
            Assert.DoesNotContain(fixture.Cluster[node].Engine.ReadTokenRange("ks.bt", Token.Minimum, Token.Maximum), p => p.Key.Length == 8 && p.Key[7] >= 77);
    }

    [Fact]
    public async Task Truncate_empties_the_table_on_every_node_and_later_writes_work()
    {
        await fixture.CreateTableAsync("CREATE TABLE tr (pk bigint, ck int, a text, PRIMARY KEY (pk, ck))", "ks", "tr");
        for (int pk = 0; pk < 10; pk++) await fixture.RunAsync($"INSERT INTO tr (pk, ck, a) VALUES ({pk}, 1, 'x')");
        Assert.Equal(10, (await fixture.RunAsync("SELECT * FROM tr")).Rows.Count);
        Assert.Equal(ExecuteResponse.Types.Kind.Void, (await fixture.RunAsync("TRUNCATE tr", node: 1)).Kind);
        for (int node = 0; node < 3; node++) Assert.Empty(fixture.Cluster[node].Engine.ReadTokenRange("ks.tr", Token.Minimum, Token.Maximum));
        Assert.Empty((await fixture.RunAsync("SELECT * FROM tr")).Rows);
        await fixture.RunAsync("INSERT INTO tr (pk, ck, a) VALUES (1, 1, 'again') USING TIMESTAMP 1");
        Assert.Equal<object?>(["again"], (await fixture.RunAsync("SELECT a FROM tr WHERE pk = 1")).Column(0));
    }

    [Fact]
    public async Task Errors_read_as_in_Cassandra_and_write_nothing()
    {
        await fixture.CreateTableAsync(Events, "ks", "events");
        await fixture.CreateTableAsync("CREATE TABLE two (pk bigint, a int, b int, v text, PRIMARY KEY (pk, a, b))", "ks", "two");
        Assert.Equal("Keyspace 'nope' does not exist", await fixture.InvalidAsync("SELECT * FROM nope.t"));
        Assert.Equal("unconfigured table nope", await fixture.InvalidAsync("SELECT * FROM nope"));
        Assert.Equal("Undefined column name nope", await fixture.InvalidAsync("SELECT nope FROM events"));
        Assert.Equal("Undefined column name nope", await fixture.InvalidAsync("INSERT INTO events (id, time_bucket, ts, nope) VALUES (1, 'b', 1, 'x')"));
        Assert.Equal("Some partition key parts are missing: time_bucket", await fixture.InvalidAsync("INSERT INTO events (id, ts, v) VALUES (1, 2, 'x')"));
        Assert.Equal("Some partition key parts are missing: time_bucket", await fixture.InvalidAsync("UPDATE events SET v = 'x' WHERE id = 1 AND ts = 2"));
        Assert.Equal("Some clustering keys are missing: ts", await fixture.InvalidAsync("INSERT INTO events (id, time_bucket, v) VALUES (1, 'b', 'x')"));
        Assert.Equal("Some clustering keys are missing: ts", await fixture.InvalidAsync("UPDATE events SET v = 'x' WHERE id = 1 AND time_bucket = 'b'"));
        Assert.Equal("Invalid FLOAT constant (1.5) for \"id\" of type bigint", await fixture.InvalidAsync("INSERT INTO events (id, time_bucket, ts, v) VALUES (1.5, 'b', 1, 'x')"));
        Assert.Equal("Column 'v' is text but the value is bigint.",
            await fixture.InvalidAsync("INSERT INTO events (id, time_bucket, ts, v) VALUES (1, 'b', 1, ?)", values: [Big(3)]));
        Assert.Equal("PRIMARY KEY part id found in SET part", await fixture.InvalidAsync("UPDATE events SET id = 1 WHERE id = 1 AND time_bucket = 'b' AND ts = 1"));
        Assert.Equal("No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename", await fixture.InvalidAsync("SELECT * FROM events", keyspace: ""));
        Assert.Equal("Only EQ and IN relation are supported on the partition key (unless you use the token() function)",
            await fixture.InvalidAsync("SELECT * FROM events WHERE id > 1 AND time_bucket = 'b'"));
        Assert.Equal("Clustering column \"b\" cannot be restricted (preceding column \"a\" is restricted by a non-EQ relation)",
            await fixture.InvalidAsync("SELECT * FROM two WHERE pk = 1 AND a > 1 AND b = 2"));
        Assert.Equal("PRIMARY KEY column \"b\" cannot be restricted as preceding column \"a\" is not restricted",
            await fixture.InvalidAsync("SELECT * FROM two WHERE pk = 1 AND b = 2"));
        Assert.Equal("Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v",
            await fixture.InvalidAsync("SELECT * FROM events WHERE id = 1 AND time_bucket = 'b' ORDER BY v"));
        Assert.Equal("There were 1 markers(?) in CQL but 0 bound variables", await fixture.InvalidAsync("SELECT * FROM events WHERE id = ? AND time_bucket = 'b'"));
        Assert.Equal("Non PRIMARY KEY columns found in where clause: v", await fixture.InvalidAsync("DELETE FROM events WHERE id = 1 AND time_bucket = 'b' AND v = 'x'"));
        Assert.StartsWith("line 1:0 ", await fixture.InvalidAsync("SELEC * FROM events"));
        Assert.Empty(fixture.Cluster[0].Engine.ReadTokenRange("ks.events", Token.Minimum, Token.Maximum));
    }
}
