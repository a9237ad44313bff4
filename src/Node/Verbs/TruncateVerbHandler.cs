using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;

namespace RingStore.Node.Verbs;

/// <summary>A node dropping all data of a table on a coordinator's TRUNCATE; the empty reply is the ack.</summary>
public sealed class TruncateVerbHandler(StorageEngine engine) : IVerbHandler
{
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = CoordinationMessageSerializer.Deserialize<TruncateMessage>(payload);
        await engine.TruncateAsync(message.Table, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
