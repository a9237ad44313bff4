using RingStore.Bench;
using RingStore.Bench.WidePartition;

namespace RingStore.Bench.Tests.WidePartition;

/// <summary>The wide-partition scenario's switches (no engine): the issue's defaults, values read, bad values refused.</summary>
public sealed class WidePartitionSettingsTests
{
    [Fact]
    public void Defaults_are_the_issues()
    {
        var s = WidePartitionSettings.Parse(new Args([]));
        Assert.Equal(1_000_000, s.Rows);
        Assert.Equal(100, s.SliceRows);
        Assert.Equal(1_000, s.InValues);
        Assert.Equal(5_000, s.PageSize);
        Assert.Null(s.Directory);
        Assert.False(s.Keep);
    }

    [Fact]
    public void Switches_are_read()
    {
        var s = WidePartitionSettings.Parse(new Args(["--rows", "200000", "--small-rows", "500", "--value-bytes", "64", "--slice-rows", "50",
            "--samples", "30", "--in-values", "10", "--page-size", "100", "--dir", "/tmp/w", "--keep"]));
        Assert.Equal(200_000, s.Rows);
        Assert.Equal(500, s.SmallRows);
        Assert.Equal(64, s.ValueBytes);
        Assert.Equal(50, s.SliceRows);
        Assert.Equal(30, s.Samples);
        Assert.Equal(10, s.InValues);
        Assert.Equal(100, s.PageSize);
        Assert.Equal("/tmp/w", s.Directory);
        Assert.True(s.Keep);
    }

    [Fact]
    public void Cluster_switches_are_read_and_default_to_three_nodes_rf_3_quorum()
    {
        var d = WidePartitionSettings.Parse(new Args([]));
        Assert.False(d.Cluster);
        Assert.Equal((3, 3, "QUORUM", 27900), (d.Nodes, d.ReplicationFactor, d.Consistency, d.BasePort));
        var s = WidePartitionSettings.Parse(new Args(["--cluster", "--nodes", "5", "--rf", "2", "--consistency", "ONE", "--base-port", "30000"]));
        Assert.True(s.Cluster);
        Assert.Equal((5, 2, "ONE", 30000), (s.Nodes, s.ReplicationFactor, s.Consistency, s.BasePort));
    }

    [Theory]
    [InlineData("--nodes", "0")]
    [InlineData("--rf", "4")]
    [InlineData("--rf", "0")]
    [InlineData("--consistency", "MOST")]
    [InlineData("--base-port", "80")]
    public void Bad_cluster_values_are_refused(string name, string value) =>
        Assert.Throws<ArgumentException>(() => WidePartitionSettings.Parse(new Args(["--cluster", name, value])));

    [Theory]
    [InlineData("--rows", "999")]
    [InlineData("--small-rows", "0")]
    [InlineData("--slice-rows", "0")]
    [InlineData("--slice-rows", "5000")]
    [InlineData("--value-bytes", "0")]
    [InlineData("--samples", "9")]
    [InlineData("--in-values", "0")]
    [InlineData("--in-values", "2000000")]
    [InlineData("--page-size", "0")]
    public void Bad_values_are_refused(string name, string value) =>
        Assert.Throws<ArgumentException>(() => WidePartitionSettings.Parse(new Args([name, value])));
}
