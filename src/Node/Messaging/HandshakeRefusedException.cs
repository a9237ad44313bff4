namespace RingStore.Node.Messaging;

/// <summary>The peer's Hello names another cluster or protocol version: the connection is refused and closed.</summary>
internal sealed class HandshakeRefusedException : Exception
{
    public HandshakeRefusedException()
    {
    }

    public HandshakeRefusedException(string message)
        : base(message)
    {
    }

    public HandshakeRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
