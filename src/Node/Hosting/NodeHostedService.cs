using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RingStore.Node.Hosting;

/// <summary>
/// Starts the node before Kestrel accepts gRPC calls and stops it (gossip shutdown, flush, close) when the host
/// stops, e.g. on SIGTERM. The started node is published through <see cref="NodeAccessor"/> for the API. A node
/// that cannot go on (failed bootstrap, removed by the cluster) stops the process with exit code 1; a node that
/// finished a decommission stops it with 0.
/// </summary>
public sealed class NodeHostedService(IOptions<NodeOptions> options, ILoggerFactory loggerFactory, NodeAccessor accessor,
    IHostApplicationLifetime lifetime, Microsoft.AspNetCore.Hosting.Server.IServer server) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var node = await RingStoreNode.StartAsync(options.Value, loggerFactory, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        node.Fatal += reason =>
        {
            Console.Error.WriteLine($"ringstore node {options.Value.InternodeEndpoint}: {reason}");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        };
        // Give the decommission RPC's answer a moment to leave before the listeners close.
        node.Left += () => _ = Task.Delay(TimeSpan.FromMilliseconds(500)).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        // Disk failure policy "stop": the gRPC listener closes too; the process stays up for inspection.
        node.ServingStopped += () => server.StopAsync(CancellationToken.None);
        accessor.Node = node;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (accessor.NodeOrNull is { } node) await node.DisposeAsync().ConfigureAwait(false);
    }
}
