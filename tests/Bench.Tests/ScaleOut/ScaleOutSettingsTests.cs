using System.Text.Json;
using RingStore.Bench;
using RingStore.Bench.Reports;
using RingStore.Bench.ScaleOut;

namespace RingStore.Bench.Tests.ScaleOut;

/// <summary>The scale-out scenario's switches (no cluster): the issue's defaults, the derived load size, bad values refused, the JSON's key names.</summary>
public sealed class ScaleOutSettingsTests
{
    [Fact]
    public void Defaults_are_the_issues_and_the_load_size_follows_from_them()
    {
        var s = ScaleOutSettings.Parse(new Args([]));
        Assert.Equal(2048, s.DataMiB);
        Assert.Equal(64, s.StreamMiBPerSecond);
        Assert.Equal(0, s.Rate);
        Assert.Equal(ScaleOutSettings.DefaultJsonPath, s.JsonPath);
        Assert.Equal(Path.GetDirectoryName(Path.GetFullPath(ScaleOutSettings.DefaultJsonPath)), s.EffectivePlotsDirectory);
        // 2 GiB of 1 KiB values in 256-row partitions.
        Assert.Equal(2048L * 1024, s.LoadRows);
        Assert.Equal(8192, s.LoadPartitions);
    }

    [Fact]
    public void Switches_are_read_and_a_partial_last_partition_is_counted()
    {
        var s = ScaleOutSettings.Parse(new Args(["--data-mib", "1", "--stream-mib-per-sec", "0", "--duration", "12", "--rate", "2500.5",
            "--json", "/tmp/x/so.json", "--plots", "/tmp/plots", "--load-value-bytes", "1000", "--rows-per-partition", "100"]));
        Assert.Equal(0, s.StreamMiBPerSecond);
        Assert.Equal(12, s.DurationSeconds);
        Assert.Equal(2500.5, s.Rate);
        Assert.Equal("/tmp/plots", s.EffectivePlotsDirectory);
        Assert.Equal(1049, s.LoadRows); // ceil(1048576 / 1000)
        Assert.Equal(11, s.LoadPartitions);
    }

    [Theory]
    [InlineData("--data-mib", "0", "--data-mib")]
    [InlineData("--stream-mib-per-sec", "-1", "--stream-mib-per-sec")]
    [InlineData("--duration", "2", "--duration")]
    [InlineData("--rate", "-5", "--rate")]
    [InlineData("--read-fraction", "1.5", "--read-fraction")]
    [InlineData("--value-bytes", "4", "--value-bytes")]
    [InlineData("--base-port", "80", "--base-port")]
    [InlineData("--join-timeout", "1", "--join-timeout")]
    public void Bad_values_are_refused_with_the_switch_named(string flag, string value, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => ScaleOutSettings.Parse(new Args([flag, value])));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_has_the_issues_field_names()
    {
        var result = new ScaleOutResult { Run = new RunInfo("d", "m", "c", 0), StreamThrottleMibPerSec = 64 };
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result, ResultJson.Options));
        foreach (string key in new[] { "scenario", "failed_requests", "lost_writes", "bootstrap_seconds", "decommission_seconds", "streamed_bytes",
                     "stream_mib_per_sec", "ownership_max_over_min", "p99_ms_before", "p99_ms_during", "p99_ms_after", "stream_throttle_mib_per_sec" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal("scale-out", json.RootElement.GetProperty("scenario").GetString());
    }
}
