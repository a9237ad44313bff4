using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RingStore.Node.Hosting;

/// <summary>
/// Starts the node before Kestrel accepts gRPC calls and stops it (gossip shutdown, flush, close) when the host
/// stops, e.g. on SIGTERM. The started node is published through <see cref="NodeAccessor"/> for the gRPC API's
/// dependencies (<see cref="FrontEnds"/>), and its CQL native listener started. A node
/// that cannot go on (failed bootstrap, removed by the cluster) stops the process with exit code 1; a node that
/// finished a decommission stops it with 0.
/// </summary>
public sealed class NodeHostedService(IOptions<NodeOptions> options, ILoggerFactory loggerFactory, NodeAccessor accessor,
    IHostApplicationLifetime lifetime, Microsoft.AspNetCore.Hosting.Server.IServer server, Security.TlsCredentials? clientTls = null) : IHostedService
{
    private Native.NativeListener? _native;

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
        // Disk failure policy "stop": the gRPC and native listeners close too; the process stays up for inspection.
        node.ServingStopped += () => server.StopAsync(CancellationToken.None);
        accessor.Node = node;
        // After the node (it needs it running), before Kestrel: the CQL native protocol beside gRPC.
        var native = _native = FrontEnds.Native(node, loggerFactory, clientTls);
        node.ServingStopped += () => native.StopAsync(CancellationToken.None);
        await native.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The native listener first (its connections run statements on the node), then the node.
        if (_native is not null) await _native.StopAsync(cancellationToken).ConfigureAwait(false);
        if (accessor.NodeOrNull is { } node) await node.DisposeAsync().ConfigureAwait(false);
    }
}
