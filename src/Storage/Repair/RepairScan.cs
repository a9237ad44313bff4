using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;

namespace RingStore.Storage.Repair;

/// <summary>
/// Reads a replica's merged view (memtables and SSTables, tombstones and TTLs as stored) of a non-wrapping token range
/// page by page (<see cref="StorageEngine.ReadTokenRangePage"/>, at most <see cref="PageBytes"/> per page), so a
/// validation holds one page at a time, never the range. Each page is a consistent snapshot of the table's view; the
/// range as a whole is not (writes landing during the scan may or may not be seen), which repair tolerates: a write
/// seen by one replica's scan and not another's shows as a difference and is copied with its own timestamp, which the
/// merge rule makes harmless.
/// </summary>
public static class RepairScan
{
    public const long PageBytes = 4L << 20;

    /// <summary>
    /// The repair entries of (start, end] in scan order, read lazily page by page. A partition cut by pages is not
    /// joined: its header entry comes from its first piece (which carries the partition deletion and every range
    /// tombstone; later pieces repeat them) and each piece adds its rows' entries, so the entries do not depend on where
    /// pages cut and memory stays one page even for a partition of any size.
    /// </summary>
    public static IEnumerable<RepairEntry> Entries(StorageEngine engine, string table, long startExclusive, long endInclusive,
        int nowSeconds, long pageBytes = PageBytes)
    {
        foreach (var (piece, continues) in Pieces(engine, table, startExclusive, endInclusive, pageBytes))
            foreach (var entry in continues ? RowDigester.RowEntries(piece, nowSeconds) : RowDigester.Entries(piece, nowSeconds))
                yield return entry;
    }

    /// <summary>
    /// The merged partitions of (start, end] in token order as the engine's bounded pages return them, read lazily:
    /// a partition a page cut comes as several pieces, each later one marked as continuing the previous piece's partition.
    /// </summary>
    public static IEnumerable<(MergedPartitionData Piece, bool Continues)> Pieces(StorageEngine engine, string table, long startExclusive,
        long endInclusive, long pageBytes = PageBytes)
    {
        if (startExclusive >= endInclusive) throw new ArgumentException($"scan range ({startExclusive}, {endInclusive}] must not wrap or be empty");
        var after = RangePosition.AfterToken(new Token(startExclusive));
        byte[]? previousKey = null;
        while (true)
        {
            var page = engine.ReadTokenRangePage(table, after, new Token(endInclusive), int.MaxValue, pageBytes);
            foreach (var p in page.Partitions)
            {
                bool continues = previousKey is not null && previousKey.AsSpan().SequenceEqual(p.Key);
                previousKey = p.Key;
                yield return (p, continues);
            }
            if (page.Resume is not { } resume) break;
            after = resume;
        }
    }

    /// <summary>
    /// The merged partitions of (start, end] in token order, read lazily page by page. A page may end inside a
    /// partition (bounded pages); its pieces are joined here, because a row digest list must not depend on where a
    /// replica's pages happened to cut (a piece repeats the partition's range tombstones). So one partition is held
    /// whole while it streams by: for tests and small ranges only; repair itself reads <see cref="Pieces"/>.
    /// </summary>
    public static IEnumerable<MergedPartitionData> Partitions(StorageEngine engine, string table, long startExclusive, long endInclusive,
        long pageBytes = PageBytes)
    {
        if (startExclusive >= endInclusive) throw new ArgumentException($"scan range ({startExclusive}, {endInclusive}] must not wrap or be empty");
        var after = RangePosition.AfterToken(new Token(startExclusive));
        MergedPartitionData? pending = null;
        while (true)
        {
            var page = engine.ReadTokenRangePage(table, after, new Token(endInclusive), int.MaxValue, pageBytes);
            foreach (var p in page.Partitions)
            {
                if (pending is not null && pending.Key.AsSpan().SequenceEqual(p.Key))
                {
                    pending = PartitionFragments.Join(pending, p);
                    continue;
                }
                if (pending is not null) yield return pending;
                pending = p;
            }
            if (page.Resume is not { } resume) break;
            after = resume;
        }
        if (pending is not null) yield return pending;
    }

    /// <summary>Validation: the tree of (start, end] at <paramref name="depth"/>, built while the range streams by.</summary>
    public static (MerkleTree Tree, long Entries) BuildTree(StorageEngine engine, string table, long startExclusive, long endInclusive,
        int depth, int nowSeconds, long pageBytes = PageBytes)
    {
        var builder = new MerkleTreeBuilder(startExclusive, endInclusive, depth);
        foreach (var entry in Entries(engine, table, startExclusive, endInclusive, nowSeconds, pageBytes)) builder.Add(entry);
        return (builder.Build(), builder.Entries);
    }
}
