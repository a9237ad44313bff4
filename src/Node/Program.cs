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

    /// <summary>Builds (does not start) a node host; in-process tests start several of these.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("RINGSTORE_")
            .AddCommandLine(args, NodeCommandLine.SwitchMappings);
        var options = new NodeOptions();
        builder.Configuration.GetSection(NodeOptions.SectionName).Bind(options);
        options.Validate();

        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton<NodeAccessor>();
        builder.Services.AddHostedService<NodeHostedService>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 64 * 1024 * 1024;
            o.EnableDetailedErrors = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.WebHost.ConfigureKestrel(k =>
            k.Listen(IPAddress.Parse(options.ListenAddress), options.GrpcPort, l => l.Protocols = HttpProtocols.Http2));

        var app = builder.Build();
        app.MapGrpcService<RingStoreApiService>();
        return app;
    }
}
