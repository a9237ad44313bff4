using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;

namespace RingStore.Node.Verbs;

/// <summary>
/// A replica answering a read with its data (tombstones kept) or only the digest of it. The token fires at the
/// request's expiry (see <see cref="ExpiringVerbs"/>): the engine's row loop stops and nothing is answered.
/// </summary>
public sealed class ReadVerbHandler(LocalReplica replica) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<ReadCommandMessage>(payload);
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(replica.Read(command, cancellationToken)));
    }
}
