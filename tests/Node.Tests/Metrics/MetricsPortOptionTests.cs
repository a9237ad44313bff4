using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using RingStore.Node.Hosting;

namespace RingStore.Node.Tests.Metrics;

/// <summary>The Prometheus endpoint is off unless a port is given, and a port that clashes with another is refused at start.</summary>
public sealed class MetricsPortOptionTests
{
    [Fact]
    public async Task The_metrics_endpoint_is_off_unless_a_port_is_given()
    {
        Assert.Equal(0, new NodeOptions().MetricsPort);
        await using var off = Program.Build([]);
        Assert.Equal(0, off.Services.GetRequiredService<IOptions<NodeOptions>>().Value.MetricsPort);
        Assert.Null(off.Services.GetService<MeterProvider>());

        await using var on = Program.Build(["--metrics-port", "19103"]);
        Assert.Equal(19103, on.Services.GetRequiredService<IOptions<NodeOptions>>().Value.MetricsPort);
        Assert.NotNull(on.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("9160")] // the gRPC port
    [InlineData("7000")] // the internode port
    [InlineData("9042")] // the native port
    [InlineData("70000")]
    [InlineData("-1")]
    public void A_metrics_port_that_clashes_or_is_no_port_is_refused_with_the_setting_named(string port)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Program.Build(["--metrics-port", port]));
        Assert.Contains("MetricsPort", e.Message, StringComparison.Ordinal);
    }
}
