using RingStore.Bench.Scenarios;

namespace RingStore.Bench.Tests.Measurement;

public sealed class ClusterPlotSeriesTests
{
    [Fact]
    public void One_curve_per_consistency_and_op_in_increasing_concurrency()
    {
        const string json = """
        [
          {"consistency":"QUORUM","op":"write","concurrency":64,"ops_per_sec":2000,"p50_ms":1,"p99_ms":9},
          {"consistency":"QUORUM","op":"write","concurrency":16,"ops_per_sec":1000,"p50_ms":1,"p99_ms":4},
          {"consistency":"ONE","op":"read","concurrency":16,"ops_per_sec":3000,"p50_ms":1,"p99_ms":2}
        ]
        """;
        var series = ClusterPlotScenario.Series(json);
        Assert.Equal(["ONE read", "QUORUM write"], series.Select(s => s.Label));
        Assert.Equal([1000.0, 2000], series[1].Xs);
        Assert.Equal([4.0, 9], series[1].Ys);
        Assert.Equal(["16", "64"], series[1].PointLabels!);
    }
}
