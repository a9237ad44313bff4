using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace RingStore.Cluster.Tests;

/// <summary>
/// Hand-made internode bytes, as a foreign or broken peer would send them (see the node's Messaging/FrameCodec):
/// a frame is a 4-byte big-endian body length then the body; the first frame each way is a Hello, the MessagePack
/// array [protocolVersion, clusterName, hostId (16 bytes), host, port].
/// </summary>
public static class InternodeFrames
{
    public const int CurrentProtocolVersion = 1;

    public static byte[] Frame(ReadOnlySpan<byte> body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame.AsSpan(4));
        return frame;
    }

    public static byte[] Hello(int protocolVersion, string clusterName)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write(protocolVersion);
        writer.Write(clusterName);
        writer.Write(Guid.NewGuid().ToByteArray());
        writer.Write("127.0.0.1");
        writer.Write(1); // a port nobody listens on: the node must never need to call us back
        writer.Flush();
        return Frame(buffer.WrittenSpan);
    }

    /// <summary>An envelope body that is not MessagePack at all (0xC1 is never used by the format).</summary>
    public static byte[] GarbageEnvelope() => Frame([0xC1, 0xC1, 0xC1, 0x00, 0x42]);
}
