using RingStore.Core.Partitioning;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Finds partitions through the in-memory <see cref="IndexSummary"/> and the on-disk Index: a
/// point lookup reads at most one summary interval of Index entries (usually one or two blocks).
/// Entries passed over are skipped by their length after their key and token; the match is decoded without its
/// row index when the file is version 2 (<see cref="OnDiskRowIndex"/> reads it on demand).
/// Thread-safe: every call uses its own cursor.
/// </summary>
internal sealed class PartitionIndexReader(ChecksummedBlockFile index, IndexSummary summary)
{
    public ChecksummedBlockFile File => index;

    public IndexEntry? Find(Token token, byte[] key)
    {
        int sample = summary.FloorIndex(token, key);
        if (sample < 0) return null;
        using var cursor = new BlockCursor(index, summary.IndexPositionAt(sample));
        byte[] scratch = new byte[256];
        for (int i = 0; i < summary.Interval && !cursor.AtEnd; i++)
        {
            int c = 0;
            var entry = IndexEntry.Read(cursor, ref scratch, index.FormatVersion, (t, k) =>
            {
                c = IndexEntry.Compare(t, k, token, key);
                return c == 0;
            });
            if (entry is not null) return entry;
            if (c > 0) return null;
        }
        return null;
    }

    /// <summary>Entries with token in (startExclusive, endInclusive], in order.</summary>
    public IEnumerable<IndexEntry> Range(Token startExclusive, Token endInclusive)
    {
        if (summary.Count == 0 || endInclusive <= startExclusive) yield break;
        // Start at the last sample strictly below the start token: entries sharing a token with the
        // start may sit just before a sample with that token.
        int sample = Math.Max(0, summary.LastBelow(startExclusive));
        using var cursor = new BlockCursor(index, summary.IndexPositionAt(sample));
        byte[] scratch = new byte[256];
        while (!cursor.AtEnd)
        {
            var entry = IndexEntry.Read(cursor, ref scratch, index.FormatVersion, static (_, _) => true)!;
            if (entry.Token <= startExclusive) continue;
            if (entry.Token > endInclusive) yield break;
            yield return entry;
        }
    }
}
