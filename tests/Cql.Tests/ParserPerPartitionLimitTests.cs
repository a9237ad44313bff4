using RingStore.Cql.Ast;
using RingStore.Core.Schema;

namespace RingStore.Cql.Tests;

/// <summary>PER PARTITION LIMIT n (Cassandra's place: after ORDER BY, before LIMIT), literal or bind marker.</summary>
public class ParserPerPartitionLimitTests
{
    [Fact]
    public void Per_partition_limit_before_limit()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse(
            "SELECT * FROM t WHERE id IN (1, 2) ORDER BY ts DESC PER PARTITION LIMIT 3 LIMIT 10 ALLOW FILTERING"));
        Assert.Equal(Literal.Integer(3), s.PerPartitionLimit);
        Assert.Equal(Literal.Integer(10), s.Limit);
        Assert.Equal([new Ordering("ts", ClusteringOrder.Desc)], s.OrderBy);
        Assert.True(s.AllowFiltering);
        Assert.Null(Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t LIMIT 1")).PerPartitionLimit);
    }

    [Fact]
    public void Per_partition_limit_alone_lower_case()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("select * from t per partition limit 1"));
        Assert.Equal(Literal.Integer(1), s.PerPartitionLimit);
        Assert.Null(s.Limit);
    }

    [Fact]
    public void Bind_markers_count_in_text_order()
    {
        var s = Assert.IsType<SelectStatement>(CqlParser.Parse("SELECT * FROM t WHERE id = ? PER PARTITION LIMIT ? LIMIT ?"));
        Assert.Equal(new BindMarker(1), s.PerPartitionLimit);
        Assert.Equal(new BindMarker(2), s.Limit);
        Assert.Equal(3, s.BindMarkerCount);
    }

    [Theory]
    [InlineData("SELECT * FROM t PER PARTITION LIMIT 0", "PER PARTITION LIMIT must be strictly positive")]
    [InlineData("SELECT * FROM t PER PARTITION LIMIT -1", "PER PARTITION LIMIT must be strictly positive")]
    [InlineData("SELECT * FROM t PER LIMIT 1", "PARTITION")]
    [InlineData("SELECT * FROM t PER PARTITION 1", "LIMIT")]
    [InlineData("SELECT * FROM t LIMIT 1 PER PARTITION LIMIT 1", "PER")]
    [InlineData("SELECT * FROM t PER PARTITION LIMIT 1 PER PARTITION LIMIT 1", "PER")]
    [InlineData("SELECT * FROM t PER PARTITION LIMIT 9999999999", "too large")]
    public void Malformed_per_partition_limit_is_a_syntax_error(string text, string expected)
    {
        var e = Assert.Throws<CqlSyntaxException>(() => CqlParser.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Formatter_round_trips_it()
    {
        var s = CqlParser.Parse("SELECT a FROM ks.t WHERE id IN (1, 2) ORDER BY c ASC PER PARTITION LIMIT ? LIMIT 5");
        Assert.Equal(s, CqlParser.Parse(CqlFormatter.Format(s)));
    }
}
