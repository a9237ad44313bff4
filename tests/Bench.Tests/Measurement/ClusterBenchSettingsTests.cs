using RingStore.Bench;
using RingStore.Bench.Cluster;

namespace RingStore.Bench.Tests.Measurement;

/// <summary>The cluster scenario's switches: defaults from the issue, the paced phase's in-flight cap, bad values refused.</summary>
public sealed class ClusterBenchSettingsTests
{
    [Fact]
    public void The_paced_phase_defaults_to_the_largest_concurrency_and_takes_its_own_cap()
    {
        var defaults = ClusterBenchSettings.Parse(new Args([]));
        Assert.Equal(256, defaults.EffectivePacedInFlight);
        Assert.Equal("session", defaults.Transport);

        var capped = ClusterBenchSettings.Parse(new Args(["--concurrency", "16,64", "--paced-in-flight", "2048", "--transport", "UNARY"]));
        Assert.Equal(2048, capped.EffectivePacedInFlight);
        Assert.Equal("unary", capped.Transport);
        Assert.Equal("native", ClusterBenchSettings.Parse(new Args(["--transport", "native"])).Transport);
        Assert.Equal(64, ClusterBenchSettings.Parse(new Args(["--concurrency", "16,64"])).EffectivePacedInFlight);
    }

    [Theory]
    [InlineData("--paced-in-flight", "-1", "--paced-in-flight")]
    [InlineData("--transport", "http", "--transport")]
    public void Bad_values_are_refused_with_the_switch_named(string flag, string value, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterBenchSettings.Parse(new Args([flag, value])));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
