using System.Buffers.Binary;

namespace RingStore.Storage.SSTables;

/// <summary>
/// The 16-byte header every SSTable component starts with: magic (4 ASCII bytes), format version
/// (u16), reserved (u16), a component parameter (u32: the block size for blocked files), reserved (u32).
/// Little-endian. A wrong magic or an unknown version fails the open instead of misreading bytes.
/// Index files are written as version 2 (row index with an offset table, read lazily); version 1 Index files (row
/// index read whole) are still read. Data files are version 2 when compressed (chunks of varying stored length, a chunk
/// offset table at the end, the codec id in the second parameter) and version 1 when not (fixed-stride blocks, the
/// layout every Data file had before compression, which is still read). Every other component is version 1.
/// </summary>
internal static class FileHeader
{
    public const int SizeBytes = 16;
    public const ushort CurrentVersion = 1;

    /// <summary>Data version 2: compressed chunks (see <see cref="ChecksummedBlockWriter"/>); codec id at offset 12.</summary>
    public const ushort CompressedDataVersion = 2;

    /// <summary>Index version 2: each row index is followed by a table of its entries' offsets (binary-searched on disk).</summary>
    public const ushort IndexVersion = 2;

    public const uint DataMagic = 0x41445352;       // "RSDA"
    public const uint IndexMagic = 0x58495352;      // "RSIX"
    public const uint SummaryMagic = 0x4D535352;    // "RSSM"
    public const uint FilterMagic = 0x4C465352;     // "RSFL"
    public const uint StatisticsMagic = 0x54535352; // "RSST"

    /// <summary>The version this build writes for a component.</summary>
    public static ushort WriteVersionOf(uint magic) => magic == IndexMagic ? IndexVersion : CurrentVersion;

    /// <summary>The newest version this build reads for a component.</summary>
    private static ushort NewestReadableVersionOf(uint magic) => magic switch
    {
        IndexMagic => IndexVersion,
        DataMagic => CompressedDataVersion,
        _ => CurrentVersion,
    };

    public static void Write(Span<byte> destination, uint magic, uint parameter, ushort version = 0, uint parameter2 = 0)
    {
        destination[..SizeBytes].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], version == 0 ? WriteVersionOf(magic) : version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], parameter);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], parameter2);
    }

    /// <summary>The second parameter (offset 12; compressed Data: the codec id). Call after <see cref="Read(ReadOnlySpan{byte}, uint, string, out ushort)"/>.</summary>
    public static uint ReadParameter2(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);

    /// <summary>Validates magic and version and returns the parameter.</summary>
    public static uint Read(ReadOnlySpan<byte> source, uint expectedMagic, string path) => Read(source, expectedMagic, path, out _);

    /// <summary>Validates magic and version (any this build reads for the component) and returns the parameter.</summary>
    public static uint Read(ReadOnlySpan<byte> source, uint expectedMagic, string path, out ushort version)
    {
        if (source.Length < SizeBytes)
            throw new CorruptSSTableException(path, 0, "file is shorter than its header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (magic != expectedMagic)
            throw new CorruptSSTableException(path, 0, $"bad magic 0x{magic:X8}, expected 0x{expectedMagic:X8}");
        version = BinaryPrimitives.ReadUInt16LittleEndian(source[4..]);
        ushort newest = NewestReadableVersionOf(expectedMagic);
        if (version < 1 || version > newest)
            throw new CorruptSSTableException(path, 4, $"unsupported format version {version} (this build reads 1 to {newest})");
        return BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
    }
}
