using System.Buffers.Binary;
using System.IO.Hashing;
using FASTER.core;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Our own framing inside each FasterLog entry. FasterLog's per-entry checksum is an XOR of 8-byte words and is only
/// verified for pages read back from disk, not for the tail page recovery keeps in memory, so every entry also
/// carries an XxHash32 that we verify on every read.
/// Layout (little-endian): [0,4) XxHash32 of bytes [4, end) | [4,6) magic "RC" | [6] format version | [7] flags (0)
/// | [8,12) payload length | [12, 12+length) payload.
/// </summary>
internal static class EntryCodec
{
    public const int HeaderBytes = 12;
    public const byte FormatVersion = 1;
    private const byte Magic0 = (byte)'R';
    private const byte Magic1 = (byte)'C';

    public static void Write(ReadOnlySpan<byte> payload, Span<byte> dest)
    {
        dest[4] = Magic0;
        dest[5] = Magic1;
        dest[6] = FormatVersion;
        dest[7] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(dest.Slice(8, 4), payload.Length);
        payload.CopyTo(dest.Slice(HeaderBytes));
        uint hash = XxHash32.HashToUInt32(dest.Slice(4, HeaderBytes - 4 + payload.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(dest, hash);
    }

    /// <summary>Reads our frame's payload length when the header itself looks intact (magic and version).</summary>
    public static bool TryReadFrameLength(ReadOnlySpan<byte> entry, out int payloadLength)
    {
        payloadLength = 0;
        if (entry.Length < HeaderBytes || entry[4] != Magic0 || entry[5] != Magic1 || entry[6] != FormatVersion)
            return false;
        payloadLength = BinaryPrimitives.ReadInt32LittleEndian(entry.Slice(8, 4));
        return payloadLength >= 0;
    }

    /// <summary>Validates one FasterLog entry body; on success returns the payload (a copy).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> entry, out byte[] payload, out string reason)
    {
        payload = [];
        if (entry.Length < HeaderBytes)
        {
            reason = $"entry of {entry.Length} bytes is shorter than the {HeaderBytes}-byte header";
            return false;
        }
        if (entry[4] != Magic0 || entry[5] != Magic1)
        {
            reason = "bad entry magic";
            return false;
        }
        if (entry[6] != FormatVersion)
        {
            reason = $"unknown entry format version {entry[6]}";
            return false;
        }
        int length = BinaryPrimitives.ReadInt32LittleEndian(entry.Slice(8, 4));
        if (length != entry.Length - HeaderBytes)
        {
            reason = $"payload length {length} disagrees with entry length {entry.Length}";
            return false;
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        uint actual = XxHash32.HashToUInt32(entry.Slice(4));
        if (stored != actual)
        {
            reason = $"checksum mismatch (stored {stored:x8}, computed {actual:x8})";
            return false;
        }
        payload = entry.Slice(HeaderBytes).ToArray();
        reason = "";
        return true;
    }
}

/// <summary>Lets FasterLog serialize header + payload straight into its page buffer (no intermediate copy).</summary>
internal readonly struct EncodedEntry(ReadOnlyMemory<byte> payload) : ILogEnqueueEntry
{
    public int SerializedLength => EntryCodec.HeaderBytes + payload.Length;

    public void SerializeTo(Span<byte> dest) => EntryCodec.Write(payload.Span, dest);
}
