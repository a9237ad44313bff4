using RingStore.Cql.Ast;

namespace RingStore.Cql.Tests;

/// <summary>Aggregates, GROUP BY and ALLOW PARTIAL RESULTS (issue 19's scatter-gather part).</summary>
public class ParserAggregateTests
{
    [Fact]
    public void Aggregates_group_by_and_partial_results_parse_and_round_trip()
    {
        const string text = "SELECT pk, COUNT(*), count(v) AS n, SUM(v), AVG(v), MIN(c), MAX(c) FROM ks.t WHERE token(pk) > 5 GROUP BY pk LIMIT 10 ALLOW FILTERING ALLOW PARTIAL RESULTS";
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse(text));
        Assert.Equal(
            [
                new SelectorItem(new ColumnSelector("pk")),
                new SelectorItem(CountSelector.Instance),
                new SelectorItem(new AggregateSelector(AggregateFunction.Count, "v"), "n"),
                new SelectorItem(new AggregateSelector(AggregateFunction.Sum, "v")),
                new SelectorItem(new AggregateSelector(AggregateFunction.Avg, "v")),
                new SelectorItem(new AggregateSelector(AggregateFunction.Min, "c")),
                new SelectorItem(new AggregateSelector(AggregateFunction.Max, "c")),
            ],
            s.Selectors);
        Assert.Equal(["pk"], s.GroupBy!);
        Assert.True(s.AllowFiltering);
        Assert.True(s.AllowPartialResults);
        Assert.Equal(s, CqlParser.Parse(CqlFormatter.Format(s)));
    }

    [Fact]
    public void Partial_results_alone_and_before_filtering()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t ALLOW PARTIAL RESULTS ALLOW FILTERING"));
        Assert.True(s.AllowPartialResults);
        Assert.True(s.AllowFiltering);
        Assert.Null(s.GroupBy);
        Assert.False(Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t")).AllowPartialResults);
        Assert.Throws<CqlSyntaxException>(() => CqlParser.Parse("SELECT * FROM t ALLOW FILTERING ALLOW FILTERING"));
    }
}
