using RingStore.Node.Messaging;

namespace RingStore.Node.Verbs;

/// <summary>Answers with the request's payload: a liveness probe and a round-trip measurement.</summary>
public sealed class EchoVerbHandler : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>?>(payload);
}
