using RingStore.Gossip.Messages;
using RingStore.Node.Messaging;

namespace RingStore.Node.Cluster;

/// <summary>Decodes the four gossip verbs and hands them to the <see cref="GossipService"/>.</summary>
internal sealed class GossipVerbHandler(GossipService service) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        service.Receive(GossipMessageSerializer.Deserialize(payload));
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
    }
}
