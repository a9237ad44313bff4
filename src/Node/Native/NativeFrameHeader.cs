using System.Buffers.Binary;

namespace RingStore.Node.Native;

/// <summary>
/// The 9-byte header of a v3+ frame: version (high bit set on responses), flags, stream id, opcode, body length.
/// Parsing never trusts the length: the caller checks it against its maximum before waiting for the body.
/// </summary>
public readonly record struct NativeFrameHeader(byte Version, byte Flags, short Stream, NativeOpcode Opcode, int Length)
{
    public const int Size = 9;
    public const byte ResponseBit = 0x80;
    /// <summary>The one protocol version served; v5/v6 STARTUPs are refused so drivers fall back to it.</summary>
    public const byte SupportedVersion = 4;

    public const byte CompressionFlag = 0x01;
    public const byte TracingFlag = 0x02;
    public const byte CustomPayloadFlag = 0x04;
    public const byte WarningFlag = 0x08;

    public bool IsResponse => (Version & ResponseBit) != 0;

    public byte ProtocolVersion => (byte)(Version & 0x7F);

    public static NativeFrameHeader Read(ReadOnlySpan<byte> bytes) => new(
        bytes[0], bytes[1], BinaryPrimitives.ReadInt16BigEndian(bytes[2..]), (NativeOpcode)bytes[4], BinaryPrimitives.ReadInt32BigEndian(bytes[5..]));

    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = Flags;
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], Stream);
        destination[4] = (byte)Opcode;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], Length);
    }
}
