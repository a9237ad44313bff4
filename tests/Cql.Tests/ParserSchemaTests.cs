using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql.Tests;

public class ParserSchemaTests
{
    [Fact]
    public void Create_keyspace_with_simple_strategy()
    {
        var s = Assert.IsType<CreateKeyspaceStatement>(CqlParser.Parse(
            "CREATE KEYSPACE IF NOT EXISTS metrics WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"));
        Assert.Equal("metrics", s.Keyspace);
        Assert.True(s.IfNotExists);
        Assert.Equal(Literal.String("SimpleStrategy"), s.Replication.Find("class"));
        Assert.Equal(Literal.Integer(3), s.Replication.Find("replication_factor"));
        Assert.Equal(2, s.Replication.Entries.Count);
    }

    [Fact]
    public void Create_keyspace_with_network_topology_and_durable_writes()
    {
        var s = Assert.IsType<CreateKeyspaceStatement>(CqlParser.Parse(
            "create keyspace Ks with REPLICATION = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2} and durable_writes = true;"));
        Assert.Equal("ks", s.Keyspace);
        Assert.False(s.IfNotExists);
        Assert.Equal(
            new MapPropertyValue([new MapEntry("class", Literal.String("NetworkTopologyStrategy")), new MapEntry("dc1", Literal.Integer(3)), new MapEntry("dc2", Literal.Integer(2))]),
            s.Replication);
        Assert.Equal(new ConstantPropertyValue(Literal.Boolean(true)), s.Properties.Find("durable_writes"));
    }

    [Fact]
    public void Drop_keyspace_and_use()
    {
        Assert.Equal(new DropKeyspaceStatement("ks", true), CqlParser.Parse("DROP KEYSPACE IF EXISTS ks"));
        Assert.Equal(new DropKeyspaceStatement("ks", false), CqlParser.Parse("drop keyspace KS;"));
        Assert.Equal(new UseStatement("ks"), CqlParser.Parse("USE ks"));
        Assert.Equal(new UseStatement("MyKs"), CqlParser.Parse("USE \"MyKs\""));
    }

    [Fact]
    public void Create_time_series_table_with_all_options()
    {
        var s = Assert.IsType<CreateTableStatement>(CqlParser.Parse("""
            CREATE TABLE IF NOT EXISTS metrics.readings (
                id bigint, time_bucket text, ts timestamp, value blob,
                PRIMARY KEY ((id, time_bucket), ts)
            ) WITH CLUSTERING ORDER BY (ts DESC)
              AND compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': 1, 'compaction_window_unit': 'DAYS'}
              AND default_time_to_live = 86400 AND gc_grace_seconds = 3600
            """));
        Assert.Equal(new QualifiedName("metrics", "readings"), s.Table);
        Assert.True(s.IfNotExists);
        Assert.Equal(
            new ValueList<ColumnDeclaration>([new("id", ColumnType.BigInt), new("time_bucket", ColumnType.Text), new("ts", ColumnType.Timestamp), new("value", ColumnType.Blob)]),
            s.Columns);
        Assert.Equal(new PrimaryKeyDefinition(["id", "time_bucket"], ["ts"]), s.PrimaryKey);
        Assert.Equal([new ClusteringOrderEntry("ts", ClusteringOrder.Desc)], s.ClusteringOrder);
        var compaction = Assert.IsType<MapPropertyValue>(s.Properties.Find("compaction"));
        Assert.Equal(Literal.String("TimeWindowCompactionStrategy"), compaction.Find("class"));
        Assert.Equal(Literal.Integer(1), compaction.Find("compaction_window_size"));
        Assert.Equal(Literal.String("DAYS"), compaction.Find("compaction_window_unit"));
        Assert.Equal(new ConstantPropertyValue(Literal.Integer(86400)), s.Properties.Find("default_time_to_live"));
        Assert.Equal(new ConstantPropertyValue(Literal.Integer(3600)), s.Properties.Find("gc_grace_seconds"));
        Assert.Equal(3, s.Properties.Count);
    }

    [Fact]
    public void Create_table_with_inline_primary_key()
    {
        var s = Assert.IsType<CreateTableStatement>(CqlParser.Parse("CREATE TABLE t (id bigint PRIMARY KEY, name text, ok boolean, d double, n int, u uuid, tu timeuuid, v varchar)"));
        Assert.Equal(new QualifiedName(null, "t"), s.Table);
        Assert.Equal(new PrimaryKeyDefinition(["id"], []), s.PrimaryKey);
        Assert.Equal(
            [ColumnType.BigInt, ColumnType.Text, ColumnType.Boolean, ColumnType.Double, ColumnType.Int, ColumnType.Uuid, ColumnType.TimeUuid, ColumnType.Text],
            s.Columns.Select(c => c.Type));
        Assert.Empty(s.ClusteringOrder);
        Assert.Empty(s.Properties);
    }

    [Theory]
    [InlineData("CREATE TABLE t (id bigint, PRIMARY KEY (id))", new[] { "id" }, new string[0])]
    [InlineData("CREATE TABLE t (id bigint, ck1 int, ck2 text, PRIMARY KEY (id, ck1, ck2))", new[] { "id" }, new[] { "ck1", "ck2" })]
    [InlineData("CREATE TABLE t (a int, b int, c int, PRIMARY KEY ((a, b), c))", new[] { "a", "b" }, new[] { "c" })]
    [InlineData("CREATE TABLE t (a int, PRIMARY KEY ((a)))", new[] { "a" }, new string[0])]
    public void Primary_key_clause_forms(string cql, string[] partition, string[] clustering)
    {
        var s = Assert.IsType<CreateTableStatement>(CqlParser.Parse(cql));
        Assert.Equal(new PrimaryKeyDefinition(new(partition), new(clustering)), s.PrimaryKey);
    }

    [Fact]
    public void Clustering_order_over_two_columns_defaults_to_asc()
    {
        var s = Assert.IsType<CreateTableStatement>(CqlParser.Parse(
            "CREATE TABLE t (a int, b int, c int, PRIMARY KEY (a, b, c)) WITH CLUSTERING ORDER BY (b ASC, c DESC) AND comment = 'x'"));
        Assert.Equal([new ClusteringOrderEntry("b", ClusteringOrder.Asc), new ClusteringOrderEntry("c", ClusteringOrder.Desc)], s.ClusteringOrder);
        Assert.Equal(new ConstantPropertyValue(Literal.String("x")), s.Properties.Find("comment"));
        var asc = Assert.IsType<CreateTableStatement>(CqlParser.Parse("CREATE TABLE t (a int, b int, PRIMARY KEY (a, b)) WITH CLUSTERING ORDER BY (b)"));
        Assert.Equal([new ClusteringOrderEntry("b", ClusteringOrder.Asc)], asc.ClusteringOrder);
    }

    [Fact]
    public void Drop_table_and_truncate()
    {
        Assert.Equal(new DropTableStatement(new QualifiedName("ks", "t"), true), CqlParser.Parse("DROP TABLE IF EXISTS ks.t"));
        Assert.Equal(new DropTableStatement(new QualifiedName(null, "t"), false), CqlParser.Parse("DROP TABLE t"));
        Assert.Equal(new TruncateStatement(new QualifiedName(null, "t")), CqlParser.Parse("TRUNCATE t"));
        Assert.Equal(new TruncateStatement(new QualifiedName("ks", "t")), CqlParser.Parse("TRUNCATE TABLE ks.t;"));
    }

    [Fact]
    public void Schema_statements_take_no_bind_markers()
    {
        Assert.Equal(0, CqlParser.Parse("CREATE TABLE t (id bigint PRIMARY KEY)").BindMarkerCount);
        Assert.Equal(0, CqlParser.Parse("USE ks").BindMarkerCount);
    }
}
