namespace RingStore.Node.Messaging;

/// <summary>
/// One message on the wire: MessagePack array [verb, requestId, flags, payload, budgetMillis?]. <see cref="Expiry"/>
/// is on the local clock of whichever node holds the envelope: the sender's until the frame is written (then the
/// remaining budget goes on the wire), the receiver's from arrival. Null: no deadline (responses, one-way messages,
/// and requests from a node that predates the field).
/// </summary>
internal readonly record struct Envelope(Verb Verb, long RequestId, MessageFlags Flags, ReadOnlyMemory<byte> Payload,
    RequestExpiry? Expiry = null)
{
    public bool IsResponse => (Flags & MessageFlags.Response) != 0;

    public bool IsOneWay => (Flags & MessageFlags.OneWay) != 0;

    public bool IsFailure => (Flags & MessageFlags.Failure) != 0;
}
