namespace RingStore.Node.Messaging;

/// <summary>A successful reply to a request: who answered, for which verb, and the handler's payload bytes.</summary>
public sealed record Response(PeerAddress From, Verb Verb, ReadOnlyMemory<byte> Payload);
