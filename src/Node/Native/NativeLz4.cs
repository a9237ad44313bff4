using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace RingStore.Node.Native;

/// <summary>
/// v4 LZ4 frame compression (STARTUP COMPRESSION=lz4): a compressed body is the uncompressed length as a big-endian
/// [int] followed by one LZ4 block. The declared length is checked against the frame limit before allocating.
/// Snappy is not offered (SUPPORTED lists only lz4), so drivers never ask for it.
/// </summary>
public static class NativeLz4
{
    public static byte[] Decompress(ReadOnlySpan<byte> body, int maxLength)
    {
        if (body.Length < 4) throw new NativeProtocolException("Compressed body shorter than its length prefix", closeConnection: true);
        int length = BinaryPrimitives.ReadInt32BigEndian(body);
        if (length < 0 || length > maxLength)
            throw new NativeProtocolException($"Uncompressed body of {length} bytes exceeds the limit of {maxLength}", closeConnection: true);
        var output = new byte[length];
        int decoded = length == 0 ? 0 : LZ4Codec.Decode(body[4..], output);
        if (decoded != length) throw new NativeProtocolException("Corrupt LZ4 body", closeConnection: true);
        return output;
    }

    /// <summary>Compresses a whole frame's body, setting the Compression flag and the new length.</summary>
    public static byte[] CompressFrame(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var header = NativeFrameHeader.Read(frame);
        var body = frame.AsSpan(NativeFrameHeader.Size);
        var output = new byte[NativeFrameHeader.Size + 4 + LZ4Codec.MaximumOutputSize(body.Length)];
        BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(NativeFrameHeader.Size), body.Length);
        int compressed = LZ4Codec.Encode(body, output.AsSpan(NativeFrameHeader.Size + 4));
        int length = 4 + compressed;
        (header with { Flags = (byte)(header.Flags | NativeFrameHeader.CompressionFlag), Length = length }).Write(output);
        return output.AsSpan(0, NativeFrameHeader.Size + length).ToArray();
    }
}
