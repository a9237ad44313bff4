namespace RingStore.Core.Schema;

/// <summary>How a table's SSTable data blocks are compressed (CQL <c>WITH compression = {...}</c>).</summary>
public enum CompressionAlgorithm : byte
{
    /// <summary>LZ4 (Cassandra's LZ4Compressor, the default): fast to decompress, about 2x on repetitive rows.</summary>
    Lz4 = 0,

    /// <summary>Zstandard (Cassandra's ZstdCompressor): smaller files, slower to compress and decompress than LZ4.</summary>
    Zstd = 1,

    /// <summary>Not compressed (<c>'enabled': false</c>): Data is written in the uncompressed block layout.</summary>
    None = 2,
}

/// <summary>
/// A table's SSTable compression: the algorithm and the chunk length (the uncompressed bytes compressed together, the
/// unit a read decompresses). Defaults are Cassandra's: LZ4 with 16 KiB chunks.
/// </summary>
public sealed record CompressionOptions
{
    public const int DefaultChunkLengthKb = 16;
    public const int MaxChunkLengthKb = 1024;
    public const int DefaultZstdLevel = 3;

    /// <summary>LZ4, 16 KiB chunks: what a table gets without a compression option.</summary>
    public static readonly CompressionOptions Default = new();

    /// <summary>No compression.</summary>
    public static readonly CompressionOptions Disabled = new() { Algorithm = CompressionAlgorithm.None };

    public CompressionAlgorithm Algorithm { get; init; } = CompressionAlgorithm.Lz4;

    /// <summary>Uncompressed bytes per chunk, in KiB: a power of two from 1 to <see cref="MaxChunkLengthKb"/>.</summary>
    public int ChunkLengthKb { get; init; } = DefaultChunkLengthKb;

    /// <summary>Zstd's compression level (<c>compression_level</c>, -131072 to 22; Cassandra's default 3). Ignored by LZ4.</summary>
    public int ZstdLevel { get; init; } = DefaultZstdLevel;

    public bool Enabled => Algorithm != CompressionAlgorithm.None;

    public int ChunkLengthBytes => ChunkLengthKb * 1024;

    /// <summary>Why these options cannot be used, or null when they can.</summary>
    public string? Problem()
    {
        if (!Enum.IsDefined(Algorithm)) return $"unknown compression algorithm {(byte)Algorithm}";
        if (ChunkLengthKb is < 1 or > MaxChunkLengthKb || (ChunkLengthKb & (ChunkLengthKb - 1)) != 0)
            return $"chunk_length_in_kb must be a power of 2 between 1 and {MaxChunkLengthKb}, got {ChunkLengthKb}";
        if (ZstdLevel is < -131072 or > 22) return $"compression_level must be between -131072 and 22, got {ZstdLevel}";
        return null;
    }
}
