using RingStore.Core.Partitioning;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Engine;

/// <summary>One component file of an SSTable offered whole, with its exact length on disk.</summary>
public sealed record EntireSSTableFile(SSTableComponent Component, long Length);

/// <summary>
/// A live SSTable of the source whose every partition token lies inside requested range number
/// <see cref="RangeIndex"/> (its statistics' min and max token both inside), so it can be streamed as its files
/// (Cassandra 4's entire-SSTable streaming) instead of as rows. <see cref="Files"/> are the data components; the
/// TOC is not sent, as it names the generation and the receiver writes its own.
/// </summary>
public sealed record EntireSSTableCandidate(
    long Generation, int RangeIndex, long PartitionCount, Token MinToken, Token MaxToken, IReadOnlyList<EntireSSTableFile> Files)
{
    public long TotalBytes => Files.Sum(f => f.Length);
}
