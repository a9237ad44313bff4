using MessagePack;

namespace RingStore.Node.Streaming;

/// <summary>
/// Starts the stream of <see cref="Table"/> on the source: it flushes the table's memtables (so the stream reads
/// SSTables) and answers with the SSTables lying entirely inside one of the non-wrapping ranges
/// (Starts[i], Ends[i]], which the receiver then pulls as files instead of rows.
/// </summary>
[MessagePackObject]
public sealed record StreamManifestRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long[] Starts,
    [property: Key(3)] long[] Ends);

/// <summary>One SSTable offered whole: its source generation, the index of the range holding it, its components.</summary>
[MessagePackObject]
public sealed record StreamFileSet(
    [property: Key(0)] long Generation,
    [property: Key(1)] int RangeIndex,
    [property: Key(2)] long Partitions,
    [property: Key(3)] long MinToken,
    [property: Key(4)] long MaxToken,
    [property: Key(5)] int[] Components,
    [property: Key(6)] long[] Lengths);

[MessagePackObject]
public sealed record StreamManifestResponse(
    [property: Key(0)] int Version,
    [property: Key(1)] StreamFileSet[] SSTables);

/// <summary>Asks for at most <see cref="MaxBytes"/> of one component of a source SSTable, from <see cref="Offset"/>.</summary>
[MessagePackObject]
public sealed record StreamFileChunkRequest(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] long Generation,
    [property: Key(3)] int Component,
    [property: Key(4)] long Offset,
    [property: Key(5)] int MaxBytes);

/// <summary>
/// The chunk and its CRC32C (computed by the source from the bytes it read; the receiver recomputes it before it
/// writes anything). <see cref="Gone"/>: the SSTable is no longer live on the source (compacted away).
/// </summary>
[MessagePackObject]
public sealed record StreamFileChunkResponse(
    [property: Key(0)] int Version,
    [property: Key(1)] bool Gone,
    [property: Key(2)] byte[] Bytes,
    [property: Key(3)] uint Crc32C);
