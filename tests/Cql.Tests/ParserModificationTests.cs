using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

public class ParserModificationTests
{
    private static readonly QualifiedName T = new(null, "t");

    [Fact]
    public void Insert_with_ttl_and_timestamp()
    {
        var s = Assert.IsType<InsertStatement>(CqlParser.Parse(
            "INSERT INTO ks.t (id, time_bucket, ts, value) VALUES (1, '2026-11-23', '2026-11-23T10:00:00Z', 0xCAFE) USING TTL 60 AND TIMESTAMP 1700000000000000"));
        Assert.Equal(new QualifiedName("ks", "t"), s.Table);
        Assert.Equal(["id", "time_bucket", "ts", "value"], s.Columns);
        Assert.Equal(
            [Literal.Integer(1), Literal.String("2026-11-23"), Literal.String("2026-11-23T10:00:00Z"), new Literal(LiteralKind.Hex, "0xCAFE")],
            s.Values);
        Assert.Equal(new UsingClause(Literal.Integer(60), Literal.Integer(1700000000000000)), s.Using);
    }

    [Fact]
    public void Insert_with_timestamp_first_and_no_using()
    {
        var s = Assert.IsType<InsertStatement>(CqlParser.Parse("INSERT INTO t (a) VALUES (?) USING TIMESTAMP ? AND TTL ?"));
        Assert.Equal(new UsingClause(new BindMarker(2), new BindMarker(1)), s.Using);
        Assert.Equal([new BindMarker(0)], s.Values);
        Assert.Equal(3, s.BindMarkerCount);
        var plain = Assert.IsType<InsertStatement>(CqlParser.Parse("INSERT INTO t (a) VALUES (1)"));
        Assert.Same(UsingClause.None, plain.Using);
    }

    [Fact]
    public void Update_with_using_set_and_where()
    {
        var s = Assert.IsType<UpdateStatement>(CqlParser.Parse(
            "UPDATE t USING TTL 10 AND TIMESTAMP 5 SET value = 0x01, name = 'x' WHERE id = 1 AND ts = '2026-11-23'"));
        Assert.Equal(T, s.Table);
        Assert.Equal(new UsingClause(Literal.Integer(10), Literal.Integer(5)), s.Using);
        Assert.Equal([new Assignment("value", new Literal(LiteralKind.Hex, "0x01")), new Assignment("name", Literal.String("x"))], s.Assignments);
        Assert.Equal(
            [Restriction.Column("id", RelationOperator.Equal, Literal.Integer(1)), Restriction.Column("ts", RelationOperator.Equal, Literal.String("2026-11-23"))],
            s.Where);
    }

    [Fact]
    public void Delete_row_columns_range_and_partition()
    {
        var row = Assert.IsType<DeleteStatement>(CqlParser.Parse("DELETE FROM t WHERE id = 1 AND ts = 5"));
        Assert.Empty(row.Columns);
        Assert.Equal(2, row.Where.Count);
        Assert.True(row.Using.IsEmpty);

        var columns = Assert.IsType<DeleteStatement>(CqlParser.Parse("DELETE value, name FROM ks.t USING TIMESTAMP 42 WHERE id = ?"));
        Assert.Equal(["value", "name"], columns.Columns);
        Assert.Equal(new QualifiedName("ks", "t"), columns.Table);
        Assert.Equal(new UsingClause(null, Literal.Integer(42)), columns.Using);
        Assert.Equal([Restriction.Column("id", RelationOperator.Equal, new BindMarker(0))], columns.Where);

        var range = Assert.IsType<DeleteStatement>(CqlParser.Parse("DELETE FROM t WHERE id = 1 AND ts >= 10 AND ts < 20"));
        Assert.Equal(
            [RelationOperator.Equal, RelationOperator.GreaterThanOrEqual, RelationOperator.LessThan],
            range.Where.Select(r => r.Operator));

        var partition = Assert.IsType<DeleteStatement>(CqlParser.Parse("DELETE FROM t WHERE id IN (1, 2)"));
        Assert.Equal(new Restriction(new ColumnTarget("id"), RelationOperator.In, [Literal.Integer(1), Literal.Integer(2)]), partition.Where.Single());
    }

    [Fact]
    public void Batch_of_insert_update_delete()
    {
        var s = Assert.IsType<BatchStatement>(CqlParser.Parse("""
            BEGIN BATCH
              INSERT INTO t (id, v) VALUES (?, ?);
              UPDATE t SET v = ? WHERE id = ?;
              DELETE FROM t WHERE id = ?
            APPLY BATCH;
            """));
        Assert.Equal(BatchKind.Logged, s.Kind);
        Assert.True(s.Using.IsEmpty);
        Assert.Collection(s.Statements,
            i => Assert.Equal(new InsertStatement(T, ["id", "v"], [new BindMarker(0), new BindMarker(1)], UsingClause.None), i),
            u => Assert.Equal(new UpdateStatement(T, UsingClause.None, [new Assignment("v", new BindMarker(2))], [Restriction.Column("id", RelationOperator.Equal, new BindMarker(3))]), u),
            d => Assert.Equal(new DeleteStatement([], T, UsingClause.None, [Restriction.Column("id", RelationOperator.Equal, new BindMarker(4))]), d));
        Assert.Equal(5, s.BindMarkerCount);
    }

    [Fact]
    public void Unlogged_batch_with_timestamp_and_no_separators()
    {
        var s = Assert.IsType<BatchStatement>(CqlParser.Parse(
            "begin unlogged batch using timestamp 7 insert into t (a) values (1) insert into t (a) values (2) apply batch"));
        Assert.Equal(BatchKind.Unlogged, s.Kind);
        Assert.Equal(new UsingClause(null, Literal.Integer(7)), s.Using);
        Assert.Equal(2, s.Statements.Count);
        var logged = Assert.IsType<BatchStatement>(CqlParser.Parse("BEGIN LOGGED BATCH APPLY BATCH"));
        Assert.Equal(BatchKind.Logged, logged.Kind);
        Assert.Empty(logged.Statements);
    }

    [Fact]
    public void Negative_timestamp_is_accepted()
    {
        var s = Assert.IsType<InsertStatement>(CqlParser.Parse("INSERT INTO t (a) VALUES (1) USING TIMESTAMP -5"));
        Assert.Equal(Literal.Integer(-5), s.Using.Timestamp);
    }
}
