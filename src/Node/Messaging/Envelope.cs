namespace RingStore.Node.Messaging;

/// <summary>One message on the wire: MessagePack array [verb, requestId, flags, payload].</summary>
internal readonly record struct Envelope(Verb Verb, long RequestId, MessageFlags Flags, ReadOnlyMemory<byte> Payload)
{
    public bool IsResponse => (Flags & MessageFlags.Response) != 0;

    public bool IsOneWay => (Flags & MessageFlags.OneWay) != 0;

    public bool IsFailure => (Flags & MessageFlags.Failure) != 0;
}
