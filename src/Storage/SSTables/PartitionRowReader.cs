using RingStore.Core.Data;
using RingStore.Core.Serialization;

namespace RingStore.Storage.SSTables;

/// <summary>
/// Reads a partition's header and rows from the Data stream. Large partitions carry a row index of
/// stretches (first/last clustering, offset, length): a forward slice seeks to the first stretch
/// that can hold its start, a reversed slice walks stretches backwards from the last one that can
/// hold its end, reversing one stretch (~RowIndexIntervalBytes) at a time in memory.
/// Both slice bounds are monotone over sorted keys, which is what makes the binary searches and
/// the early stops correct.
/// </summary>
internal static class PartitionRowReader
{
    /// <summary>Reads the header at the cursor's position; leaves the cursor at the first row.</summary>
    public static (byte[] Key, DeletionTime Deletion, RangeTombstone[] RangeTombstones) ReadHeader(BlockCursor cursor, ref byte[] scratch)
    {
        long at = cursor.Position;
        var record = cursor.ReadRecord(ref scratch, int.MaxValue);
        try
        {
            var r = new BinaryReaderSpan(record);
            byte[] key = r.ReadBlob();
            var deletion = DataSerializer.ReadDeletion(ref r);
            ulong n = r.ReadVarUInt();
            if (n > (ulong)r.Remaining) throw new FormatException($"{n} range tombstones cannot fit in {r.Remaining} bytes");
            var rts = new RangeTombstone[n];
            for (ulong i = 0; i < n; i++) rts[i] = DataSerializer.ReadRangeTombstone(ref r);
            return (key, deletion, rts);
        }
        catch (FormatException e)
        {
            throw cursor.Corrupt(at, "malformed partition header", e);
        }
    }

    /// <summary>Reads the next row, or null at the partition's end marker.</summary>
    public static Row? ReadRow(BlockCursor cursor, ref byte[] scratch)
    {
        long at = cursor.Position;
        if (ReadRowLength(cursor) is not { } length) return null;
        return Decode(cursor, at, cursor.ReadSpan(length, ref scratch));
    }

    /// <summary>
    /// The next row of the partition that <paramref name="slice"/> admits, skipping rows before its start without
    /// decoding them (only their clustering key is looked at); null at the partition's end or past the slice's end, with
    /// the cursor put back before the row that ended the slice (the next slice of a multi-slice read may want it).
    /// </summary>
    public static Row? NextInSlice(BlockCursor cursor, ref byte[] scratch, ClusteringSlice slice)
    {
        while (true)
        {
            long at = cursor.Position;
            if (ReadRowLength(cursor) is not { } length)
            {
                cursor.Position = at; // stay on the end marker: a later slice of the same read must stop there too
                return null;
            }
            var bytes = cursor.ReadSpan(length, ref scratch);
            int clusteringStart, clusteringLength;
            try
            {
                var peek = new BinaryReaderSpan(bytes);
                ulong n = peek.ReadVarUInt();
                if (n > (ulong)peek.Remaining) throw new FormatException($"clustering of {n} bytes in a {bytes.Length}-byte row");
                clusteringStart = peek.Position;
                clusteringLength = (int)n;
            }
            catch (FormatException e)
            {
                throw cursor.Corrupt(at, "malformed row", e);
            }
            var clustering = bytes.Slice(clusteringStart, clusteringLength);
            if (!slice.End.AdmitsAsEnd(clustering))
            {
                cursor.Position = at;
                return null;
            }
            if (slice.Start.AdmitsAsStart(clustering)) return Decode(cursor, at, bytes);
        }
    }

    private static int? ReadRowLength(BlockCursor cursor)
    {
        ulong lengthPlusOne = cursor.ReadVarUInt();
        if (lengthPlusOne == 0) return null;
        ulong length = lengthPlusOne - 1;
        if (length > int.MaxValue) throw cursor.Corrupt($"row length {length} is implausible");
        return (int)length;
    }

    private static Row Decode(BlockCursor cursor, long at, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var r = new BinaryReaderSpan(bytes);
            var row = DataSerializer.ReadRow(ref r);
            if (!r.AtEnd) throw new FormatException($"{r.Remaining} trailing bytes after row");
            return row;
        }
        catch (FormatException e)
        {
            throw cursor.Corrupt(at, "malformed row", e);
        }
    }

    /// <summary>
    /// The partition's rows in <paramref name="slice"/>. <paramref name="headerBlock"/> is the block the same read just
    /// verified for the partition header: the rows start with it instead of verifying it a second time.
    /// <paramref name="fill"/>: the read's chunk cache budget (null: read around the cache).
    /// </summary>
    public static IEnumerable<Row> Rows(ChecksummedBlockFile data, IndexEntry entry, long firstRowPosition,
        ClusteringSlice slice, bool reversed, BlockCursor.Block headerBlock = default, ChunkCacheFill? fill = null)
    {
        if (entry.RowIndex.Count == 0)
            return reversed ? SmallReversed(data, firstRowPosition, slice, headerBlock, fill) : Forward(data, firstRowPosition, slice, headerBlock, fill);
        return reversed ? IndexedReversed(data, entry, slice, headerBlock, fill) : IndexedForward(data, entry, firstRowPosition, slice, headerBlock, fill);
    }

    /// <summary>
    /// Forward rows of several sorted, disjoint slices in one pass: one Data cursor and one row-index reader for all of
    /// them. Each slice's start is searched in the row index only from the stretch the previous slice started in, and the
    /// cursor seeks forward only (when the slice starts in a later stretch); otherwise it goes on reading where the
    /// previous slice stopped, so IN with many nearby values reads each Data block once.
    /// </summary>
    public static IEnumerable<Row> ForwardSlices(ChecksummedBlockFile data, IndexEntry entry, long firstRowPosition,
        IReadOnlyList<ClusteringSlice> slices, BlockCursor.Block warm, ChunkCacheFill? fill = null)
    {
        using var cursor = new BlockCursor(data, firstRowPosition, warm, fill);
        byte[] scratch = new byte[256];
        int count = entry.RowIndex.Count;
        var index = count > 0 ? entry.RowIndex.OpenReader() : null;
        int searchFrom = 0;
        foreach (var slice in slices)
        {
            if (index is not null)
            {
                int lo = searchFrom, hi = count - 1, first = count;
                long firstOffset = 0;
                while (lo <= hi)
                {
                    int mid = (lo + hi) >>> 1;
                    var e = index.Get(mid);
                    if (slice.Start.AdmitsAsStart(e.LastClustering)) { first = mid; firstOffset = e.Offset; hi = mid - 1; }
                    else lo = mid + 1;
                }
                if (first == count) yield break; // every row is before this slice, so before every later one too
                searchFrom = first;
                long position = first == 0 ? firstRowPosition : entry.DataPosition + firstOffset;
                // Rows between the stretch's start and the cursor were before the previous slice's end: not this slice's.
                if (position > cursor.Position) cursor.Position = position;
            }
            while (NextInSlice(cursor, ref scratch, slice) is { } row) yield return row;
        }
    }

    private static IEnumerable<Row> Forward(ChecksummedBlockFile data, long position, ClusteringSlice slice, BlockCursor.Block warm,
        ChunkCacheFill? fill)
    {
        using var cursor = new BlockCursor(data, position, warm, fill);
        byte[] scratch = new byte[256];
        while (NextInSlice(cursor, ref scratch, slice) is { } row) yield return row;
    }

    private static IEnumerable<Row> SmallReversed(ChecksummedBlockFile data, long position, ClusteringSlice slice, BlockCursor.Block warm,
        ChunkCacheFill? fill)
    {
        var rows = new List<Row>(Forward(data, position, slice, warm, fill));
        for (int i = rows.Count - 1; i >= 0; i--) yield return rows[i];
    }

    private static IEnumerable<Row> IndexedForward(ChecksummedBlockFile data, IndexEntry entry, long firstRowPosition, ClusteringSlice slice,
        BlockCursor.Block warm, ChunkCacheFill? fill)
    {
        // Entries are read on demand (version 2 Index): the search touches O(log n) of them.
        var index = entry.RowIndex.OpenReader();
        int count = entry.RowIndex.Count;
        // First stretch whose last key passes the start bound: every earlier row fails it.
        int lo = 0, hi = count - 1, first = count;
        long firstOffset = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var e = index.Get(mid);
            if (slice.Start.AdmitsAsStart(e.LastClustering)) { first = mid; firstOffset = e.Offset; hi = mid - 1; }
            else lo = mid + 1;
        }
        if (first == count) yield break;
        long position = first == 0 ? firstRowPosition : entry.DataPosition + firstOffset;
        foreach (var row in Forward(data, position, slice, warm, fill)) yield return row;
    }

    private static IEnumerable<Row> IndexedReversed(ChecksummedBlockFile data, IndexEntry entry, ClusteringSlice slice, BlockCursor.Block warm,
        ChunkCacheFill? fill)
    {
        var index = entry.RowIndex.OpenReader();
        // Last stretch whose first key passes the end bound: every later row fails it.
        int lo = 0, hi = entry.RowIndex.Count - 1, last = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (slice.End.AdmitsAsEnd(index.Get(mid).FirstClustering)) { last = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (last < 0) yield break;
        using var cursor = new BlockCursor(data, 0, warm, fill);
        byte[] scratch = new byte[256];
        var stretch = new List<Row>();
        for (int s = last; s >= 0; s--)
        {
            stretch.Clear();
            var stretchEntry = index.Get(s);
            long start = entry.DataPosition + stretchEntry.Offset, end = start + stretchEntry.Length;
            cursor.Position = start;
            while (cursor.Position < end)
                stretch.Add(ReadRow(cursor, ref scratch) ?? throw cursor.Corrupt("partition ends inside a row index stretch"));
            for (int i = stretch.Count - 1; i >= 0; i--)
            {
                var row = stretch[i];
                if (!slice.End.AdmitsAsEnd(row.Clustering)) continue;
                if (!slice.Start.AdmitsAsStart(row.Clustering)) yield break;
                yield return row;
            }
        }
    }
}
