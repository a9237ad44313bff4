using System.Buffers.Binary;

namespace RingStore.Storage.SSTables;

/// <summary>
/// The 16-byte header every SSTable component starts with: magic (4 ASCII bytes), format version
/// (u16), reserved (u16), a component parameter (u32: the block size for blocked files), reserved (u32).
/// Little-endian. A wrong magic or an unknown version fails the open instead of misreading bytes.
/// </summary>
internal static class FileHeader
{
    public const int SizeBytes = 16;
    public const ushort CurrentVersion = 1;

    public const uint DataMagic = 0x41445352;       // "RSDA"
    public const uint IndexMagic = 0x58495352;      // "RSIX"
    public const uint SummaryMagic = 0x4D535352;    // "RSSM"
    public const uint FilterMagic = 0x4C465352;     // "RSFL"
    public const uint StatisticsMagic = 0x54535352; // "RSST"

    public static void Write(Span<byte> destination, uint magic, uint parameter)
    {
        destination[..SizeBytes].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], parameter);
    }

    /// <summary>Validates magic and version and returns the parameter.</summary>
    public static uint Read(ReadOnlySpan<byte> source, uint expectedMagic, string path)
    {
        if (source.Length < SizeBytes)
            throw new CorruptSSTableException(path, 0, "file is shorter than its header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (magic != expectedMagic)
            throw new CorruptSSTableException(path, 0, $"bad magic 0x{magic:X8}, expected 0x{expectedMagic:X8}");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        if (version != CurrentVersion)
            throw new CorruptSSTableException(path, 4, $"unsupported format version {version} (this build reads {CurrentVersion})");
        return BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
    }
}
