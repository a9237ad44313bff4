using RingStore.Core.Schema;

namespace RingStore.Storage.SSTables;

/// <summary>How an SSTable is laid out. Readers need none of this: every choice is recorded in the files.</summary>
public sealed record SSTableWriterOptions
{
    public static readonly SSTableWriterOptions Default = new();

    /// <summary>Target false-positive chance of the partition-key bloom filter.</summary>
    public double BloomFilterFpChance { get; init; } = 0.01;

    /// <summary>Payload bytes per checksummed block of the Data and Index files (the unit of a disk read).</summary>
    public int BlockSizeBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Compression of the Data file (the table's <c>compression</c> option). Off here by default; the engine passes the
    /// table's, which is LZ4 with 16 KiB chunks unless the table says otherwise. When on, Data blocks are
    /// <see cref="CompressionOptions.ChunkLengthBytes"/> long (instead of <see cref="BlockSizeBytes"/>, which then
    /// applies to the Index only) and compressed one by one.
    /// </summary>
    public CompressionOptions Compression { get; init; } = CompressionOptions.Disabled;

    /// <summary>Logical bytes per Data block: the chunk length when compressed, else <see cref="BlockSizeBytes"/>.</summary>
    internal int DataBlockSizeBytes => Compression.Enabled ? Compression.ChunkLengthBytes : BlockSizeBytes;

    /// <summary>A partition gets a row index entry per this many bytes of rows, once it exceeds it.</summary>
    public int RowIndexIntervalBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Partitions the caller expects to write. When positive, the bloom filter is sized up front and
    /// the writer holds no per-partition state; when 0, the writer keeps 16 bytes of hash per
    /// partition and sizes the filter exactly at Finish.
    /// </summary>
    public long ExpectedPartitions { get; init; }

    /// <summary>
    /// Data and Index are fsynced every this many bytes while written (0: only at the end). Keeps a flush or a
    /// compaction from building up a large dirty backlog whose single fsync stalls the commit log's fsyncs.
    /// 1 MiB (RocksDB's recommended bytes_per_sync) rather than 8: in the cluster benchmark, writes whose commit-log
    /// append took over 100 ms while the three nodes flushed fell from ~2,400 to ~1,200 per run, and the slowest
    /// from 176–338 ms to 147–197 ms (three alternating runs each).
    /// </summary>
    public long TrickleSyncBytes { get; init; } = 1L << 20;

    /// <summary>Every Nth Index entry is sampled into the in-memory Summary.</summary>
    public int IndexSummaryInterval { get; init; } = 128;

    /// <summary>Index format to write: 2 (default, lazily read row index) or 1 (tests prove old files still read).</summary>
    internal ushort IndexFormatVersion { get; init; } = FileHeader.IndexVersion;

    internal void Validate()
    {
        if (IndexFormatVersion is < 1 or > FileHeader.IndexVersion) throw new ArgumentOutOfRangeException(nameof(IndexFormatVersion), IndexFormatVersion, "unknown Index format version");
        ArgumentNullException.ThrowIfNull(Compression);
        if (Compression.Problem() is { } problem) throw new ArgumentException(problem, nameof(Compression));
        if (BloomFilterFpChance is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(BloomFilterFpChance), BloomFilterFpChance, "must be in (0, 1)");
        if (BlockSizeBytes is < 64 or > 16 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(BlockSizeBytes), BlockSizeBytes, "must be in [64, 16 MiB]");
        if (RowIndexIntervalBytes < 1) throw new ArgumentOutOfRangeException(nameof(RowIndexIntervalBytes), RowIndexIntervalBytes, "must be positive");
        if (TrickleSyncBytes < 0) throw new ArgumentOutOfRangeException(nameof(TrickleSyncBytes), TrickleSyncBytes, "must not be negative");
        if (ExpectedPartitions < 0) throw new ArgumentOutOfRangeException(nameof(ExpectedPartitions), ExpectedPartitions, "must not be negative");
        if (IndexSummaryInterval < 1) throw new ArgumentOutOfRangeException(nameof(IndexSummaryInterval), IndexSummaryInterval, "must be positive");
    }
}
