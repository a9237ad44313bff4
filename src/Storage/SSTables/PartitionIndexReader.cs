using RingStore.Core.Partitioning;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Finds partitions through the in-memory <see cref="IndexSummary"/> and the on-disk Index: a
/// point lookup reads at most one summary interval of Index entries (usually one or two blocks).
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
            // Only the key and token of the entries passed over are looked at; the match alone is decoded.
            long at = cursor.Position;
            var record = cursor.ReadRecord(ref scratch, int.MaxValue);
            int c;
            try
            {
                c = IndexEntry.CompareTo(record, token, key);
            }
            catch (FormatException e)
            {
                throw cursor.Corrupt(at, "malformed index entry", e);
            }
            if (c == 0) return Decode(record, cursor, at);
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
            var entry = ReadEntry(cursor, ref scratch);
            if (entry.Token <= startExclusive) continue;
            if (entry.Token > endInclusive) yield break;
            yield return entry;
        }
    }

    private static IndexEntry ReadEntry(BlockCursor cursor, ref byte[] scratch)
    {
        long at = cursor.Position;
        return Decode(cursor.ReadRecord(ref scratch, int.MaxValue), cursor, at);
    }

    private static IndexEntry Decode(ReadOnlySpan<byte> record, BlockCursor cursor, long at)
    {
        try
        {
            return IndexEntry.Deserialize(record);
        }
        catch (FormatException e)
        {
            throw cursor.Corrupt(at, "malformed index entry", e);
        }
    }
}
