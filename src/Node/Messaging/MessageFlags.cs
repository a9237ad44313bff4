namespace RingStore.Node.Messaging;

/// <summary>Envelope flags (one byte on the wire; bit values are append-only).</summary>
[Flags]
public enum MessageFlags : byte
{
    /// <summary>A request that expects a response with the same request id.</summary>
    None = 0,

    /// <summary>This frame answers the request with the same id.</summary>
    Response = 1,

    /// <summary>No response is expected; the receiver never answers.</summary>
    OneWay = 2,

    /// <summary>With Response: the handler failed; the payload is a MessagePack array [reason byte, detail string].</summary>
    Failure = 4,
}
