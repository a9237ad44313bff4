using RingStore.Coordination;
using RingStore.Coordination.Batchlog;
using RingStore.Node.Batchlog;
using RingStore.Node.Messaging;

namespace RingStore.Node.Verbs;

/// <summary>
/// BatchStore: a coordinator asks this node to keep a logged batch in its local batchlog (system.batches) before it
/// applies the batch. The empty reply is the ack, sent once the entry is in the commit log and memtable; a failure
/// becomes an error reply, never a false ack. The payload is stored as received (after it decoded as a batch).
/// </summary>
public sealed class BatchStoreVerbHandler(LocalBatchlog batchlog) : IVerbHandler
{
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = CoordinationMessageSerializer.Deserialize<BatchStoreMessage>(payload);
        if (message.Mutations is null || message.Mutations.Count == 0) throw new FormatException("A batchlog entry needs at least one mutation.");
        await batchlog.StoreAsync(message, payload, cancellationToken).ConfigureAwait(false);
        return null;
    }
}

/// <summary>BatchRemove: the coordinator applied the batch; this node deletes its batchlog entry. Empty reply.</summary>
public sealed class BatchRemoveVerbHandler(LocalBatchlog batchlog) : IVerbHandler
{
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var message = CoordinationMessageSerializer.Deserialize<BatchRemoveMessage>(payload);
        await batchlog.RemoveAsync(message.Id, message.WrittenAtMicros, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
