using System.Runtime.CompilerServices;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;

namespace RingStore.Node.Verbs;

/// <summary>
/// A replica applying a coordinator's write (also used for read-repair and hint replay, which are writes too):
/// commit log, memtable, then the empty reply that the coordinator counts as an ack. The update's bytes go to the
/// engine as they arrived (the commit log stores them unchanged, the memtable keeps the rows' bytes); the engine
/// validates them, and a failure becomes an error reply, never a false ack.
/// </summary>
public sealed class MutationVerbHandler(LocalReplica replica) : IVerbHandler
{
    // Pooled state-machine box: this awaits the group commit on every write, and an unpooled box is an allocation per write.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await replica.ApplyAsync(MutationMessage.ReadUpdateBytes(payload), cancellationToken).ConfigureAwait(false);
        return null;
    }
}
