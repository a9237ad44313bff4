using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RingStore.Node.Api;
using RingStore.Node.Hosting;

namespace RingStore.Node;

/// <summary>
/// The node process: a Generic Host (WebApplication, for Kestrel's gRPC) configured from appsettings.json,
/// RINGSTORE_* environment variables and the command line. SIGTERM stops it cleanly.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"RingStore.Node: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Largest gRPC request message a node reads (then validation answers ValueTooLarge for oversize writes); larger is ResourceExhausted.</summary>
    public const int MaxRequestBytes = 64 * 1024 * 1024;

    /// <summary>
    /// The operator's own JSON file (<c>--config PATH</c>, or RINGSTORE_CONFIG), e.g. /etc/ringstore/ringstore.json, read
    /// over the defaults beside the binary and under environment variables and switches: an upgrade replaces the
    /// install folder, not the file. Missing or malformed, it stops the start with its name.
    /// </summary>
    private static void AddConfigFile(IConfigurationBuilder configuration, string[] args)
    {
        int at = Array.FindIndex(args, a => a is "--config");
        string? path = at >= 0 && at + 1 < args.Length ? args[at + 1]
            : args.FirstOrDefault(a => a.StartsWith("--config=", StringComparison.Ordinal))?["--config=".Length..]
            ?? Environment.GetEnvironmentVariable("RINGSTORE_CONFIG");
        if (string.IsNullOrWhiteSpace(path)) return;
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new InvalidOperationException($"--config: no configuration file at {path}.");
        try
        {
            configuration.AddJsonFile(path, optional: false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"--config: {path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Builds (does not start) a node host; in-process tests start several of these.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        AddConfigFile(builder.Configuration, args);
        builder.Configuration
            .AddEnvironmentVariables("RINGSTORE_")
            .AddCommandLine(args, NodeCommandLine.SwitchMappings);
        var options = new NodeOptions();
        builder.Configuration.GetSection(NodeOptions.SectionName).Bind(options);
        options.Validate();
        NodeAddresses.Resolve(options); // host names to IP literals, once (a name that does not resolve stops the start)

        // Client TLS: HTTPS with a reloading certificate (loaded here so a bad file fails the start with its name).
        var clientTls = options.ClientTls ? Security.ClientTlsEndpoint.LoadCredentials(options) : null;
        if (clientTls is not null) builder.Services.AddSingleton(clientTls);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton<NodeAccessor>();
        // Starts the node, then the CQL native protocol beside gRPC; before Kestrel serves.
        builder.Services.AddHostedService<NodeHostedService>();
        FrontEnds.AddGrpcDependencies(builder.Services, options);
        builder.Services.AddGrpc(o =>
        {
            // Well above the mutation size limit (16 MiB), so an oversize write reaches validation and is ValueTooLarge.
            o.MaxReceiveMessageSize = MaxRequestBytes;
            o.EnableDetailedErrors = false;
            // Password authenticator: every call logs in and is checked (src/Node/Security/Auth).
            if (options.PasswordAuthentication) o.Interceptors.Add<Security.Auth.GrpcAuthInterceptor>();
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Kestrel's own 30 MB body limit would fail a larger request as "Exception was thrown by handler" before
            // gRPC or validation see it; gRPC's receive limit (plus framing) is the one that counts.
            k.Limits.MaxRequestBodySize = MaxRequestBytes + (1L << 20);
            k.Listen(IPAddress.Parse(options.EffectiveRpcAddress), options.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                if (clientTls is not null) Security.ClientTlsEndpoint.UseHttps(l, clientTls);
            });
            if (options.MetricsPort != 0) k.Listen(IPAddress.Parse(options.EffectiveRpcAddress), options.MetricsPort, l => l.Protocols = HttpProtocols.Http1);
        });
        if (options.MetricsPort != 0) Metrics.PrometheusEndpoint.AddServices(builder.Services, options);

        var app = builder.Build();
        if (options.MetricsPort != 0) Metrics.PrometheusEndpoint.Map(app, options.MetricsPort);
        app.MapGrpcService<RingStoreApiService>();
        return app;
    }
}
