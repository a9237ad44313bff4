using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using RingStore.Node.Hosting;

namespace RingStore.Node.Metrics;

/// <summary>
/// `GET /metrics` in the Prometheus text format, served by OpenTelemetry's Prometheus exporter on the node's Kestrel
/// server, answered only on the metrics port (the gRPC port never serves it). Exported: the node's meter and .NET's
/// built-in "System.Runtime" meter (GC pause time, heap, thread pool).
/// </summary>
public static class PrometheusEndpoint
{
    /// <summary>.NET's own runtime instruments (dotnet.gc.pause.time and the rest), built in since .NET 9.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    public static void AddServices(IServiceCollection services, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("ringstore-node", serviceInstanceId: options.InternodeEndpoint))
            .WithMetrics(m => m
                .AddMeter(NodeMetrics.MeterName, RuntimeMeterName)
                // Each scrape reads the instruments afresh: Prometheus already sets the pace, and a cached answer
                // would hide a change (a node marked down) for the cache's lifetime.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    public static void Map(WebApplication app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            context => context.Connection.LocalPort == port && context.Request.Path == "/metrics");
    }
}
