namespace RingStore.Node.Messaging;

/// <summary>A frame that cannot be accepted (oversized, truncated, undecodable, or out of protocol): closes its connection.</summary>
internal sealed class FrameFormatException : Exception
{
    public FrameFormatException()
    {
    }

    public FrameFormatException(string message)
        : base(message)
    {
    }

    public FrameFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
