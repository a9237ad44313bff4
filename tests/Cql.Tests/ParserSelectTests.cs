using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql.Tests;

public class ParserSelectTests
{
    [Fact]
    public void Select_star_with_everything()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse(
            "SELECT * FROM ks.readings WHERE id = 1 AND time_bucket = '2026-11-23' AND ts > '2026-11-23 10:00:00+0000' AND ts <= ? ORDER BY ts DESC LIMIT 100 ALLOW FILTERING"));
        Assert.True(s.IsWildcard);
        Assert.Equal(new QualifiedName("ks", "readings"), s.Table);
        Assert.Equal(
            [
                Restriction.Column("id", RelationOperator.Equal, Literal.Integer(1)),
                Restriction.Column("time_bucket", RelationOperator.Equal, Literal.String("2026-11-23")),
                Restriction.Column("ts", RelationOperator.GreaterThan, Literal.String("2026-11-23 10:00:00+0000")),
                Restriction.Column("ts", RelationOperator.LessThanOrEqual, new BindMarker(0)),
            ],
            s.Where);
        Assert.Equal([new Ordering("ts", ClusteringOrder.Desc)], s.OrderBy);
        Assert.Equal(Literal.Integer(100), s.Limit);
        Assert.True(s.AllowFiltering);
        Assert.Equal(1, s.BindMarkerCount);
    }

    [Fact]
    public void Select_columns_with_aliases()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT id, value AS v, ttl, count FROM t"));
        Assert.Equal(
            [
                new SelectorItem(new ColumnSelector("id")),
                new SelectorItem(new ColumnSelector("value"), "v"),
                new SelectorItem(new ColumnSelector("ttl")),
                new SelectorItem(new ColumnSelector("count")),
            ],
            s.Selectors);
        Assert.Empty(s.Where);
        Assert.Empty(s.OrderBy);
        Assert.Null(s.Limit);
        Assert.False(s.AllowFiltering);
    }

    [Fact]
    public void Select_count_and_token()
    {
        var count = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT COUNT(*) FROM t WHERE id = 1"));
        Assert.Equal([new SelectorItem(CountSelector.Instance)], count.Selectors);
        var countOne = Assert.IsType<SelectStatement>(CqlParser.Parse("select count(1) as n from t"));
        Assert.Equal([new SelectorItem(CountSelector.Instance, "n")], countOne.Selectors);
        var token = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT token(id, time_bucket) AS tk, id FROM t"));
        Assert.Equal([new SelectorItem(new TokenSelector(["id", "time_bucket"]), "tk"), new SelectorItem(new ColumnSelector("id"))], token.Selectors);
    }

    [Fact]
    public void Token_range_restrictions()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse(
            "SELECT * FROM t WHERE token(a, b) > -9223372036854775808 AND token(a, b) <= ? LIMIT ?"));
        Assert.Equal(
            [
                new Restriction(new TokenTarget(["a", "b"]), RelationOperator.GreaterThan, [new Literal(LiteralKind.Integer, "-9223372036854775808")]),
                new Restriction(new TokenTarget(["a", "b"]), RelationOperator.LessThanOrEqual, [new BindMarker(0)]),
            ],
            s.Where);
        Assert.Equal(new BindMarker(1), s.Limit);
        Assert.Equal(2, s.BindMarkerCount);
    }

    [Fact]
    public void Token_restriction_against_token_of_values()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t WHERE token(id) >= token(?)"));
        Assert.Equal(new FunctionCall("token", [new BindMarker(0)]), s.Where.Single().Value);
        Assert.Equal(1, s.BindMarkerCount);
    }

    [Fact]
    public void In_lists_including_empty_and_markers()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t WHERE id IN (?, 2, ?) AND ck IN ()"));
        Assert.Equal(new Restriction(new ColumnTarget("id"), RelationOperator.In, [new BindMarker(0), Literal.Integer(2), new BindMarker(1)]), s.Where[0]);
        Assert.Equal(new Restriction(new ColumnTarget("ck"), RelationOperator.In, []), s.Where[1]);
    }

    [Fact]
    public void Every_comparison_operator()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t WHERE a = 1 AND b < 2 AND c <= 3 AND d > 4 AND e >= 5"));
        Assert.Equal(
            [RelationOperator.Equal, RelationOperator.LessThan, RelationOperator.LessThanOrEqual, RelationOperator.GreaterThan, RelationOperator.GreaterThanOrEqual],
            s.Where.Select(r => r.Operator));
    }

    [Fact]
    public void Order_by_several_columns_defaults_to_asc()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t WHERE id = 1 ORDER BY a, b DESC, c ASC"));
        Assert.Equal([new Ordering("a", ClusteringOrder.Asc), new Ordering("b", ClusteringOrder.Desc), new Ordering("c", ClusteringOrder.Asc)], s.OrderBy);
    }
}
