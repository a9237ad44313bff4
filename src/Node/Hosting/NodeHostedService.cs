using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RingStore.Node.Hosting;

/// <summary>
/// Starts the node before Kestrel accepts gRPC calls and stops it (gossip shutdown, flush, close) when the host
/// stops, e.g. on SIGTERM. The started node is published through <see cref="NodeAccessor"/> for the API.
/// </summary>
public sealed class NodeHostedService(IOptions<NodeOptions> options, ILoggerFactory loggerFactory, NodeAccessor accessor) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        accessor.Node = await RingStoreNode.StartAsync(options.Value, loggerFactory, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (accessor.NodeOrNull is { } node) await node.DisposeAsync().ConfigureAwait(false);
    }
}
