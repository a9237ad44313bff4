namespace RingStore.Node.Native;

/// <summary>
/// A frame or message that breaks the protocol (bad version, length, opcode, truncated body, counts beyond the body):
/// answered with a Protocol error (0x000A). <see cref="CloseConnection"/> when the byte stream cannot be trusted any
/// more (the frame boundaries are lost or the version is one we do not speak).
/// </summary>
public sealed class NativeProtocolException(string message, bool closeConnection = false) : Exception(message)
{
    public bool CloseConnection { get; } = closeConnection;
}
