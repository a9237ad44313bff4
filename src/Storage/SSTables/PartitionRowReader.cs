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
            throw new CorruptSSTableException(cursor.Path, at, "malformed partition header", e);
        }
    }

    /// <summary>Reads the next row, or null at the partition's end marker.</summary>
    public static Row? ReadRow(BlockCursor cursor, ref byte[] scratch)
    {
        long at = cursor.Position;
        ulong lengthPlusOne = cursor.ReadVarUInt();
        if (lengthPlusOne == 0) return null;
        ulong length = lengthPlusOne - 1;
        if (length > int.MaxValue) throw cursor.Corrupt($"row length {length} is implausible");
        if (scratch.Length < (int)length) scratch = new byte[Math.Max((int)length, scratch.Length * 2)];
        var span = scratch.AsSpan(0, (int)length);
        cursor.ReadExactly(span);
        try
        {
            var r = new BinaryReaderSpan(span);
            var row = DataSerializer.ReadRow(ref r);
            if (!r.AtEnd) throw new FormatException($"{r.Remaining} trailing bytes after row");
            return row;
        }
        catch (FormatException e)
        {
            throw new CorruptSSTableException(cursor.Path, at, "malformed row", e);
        }
    }

    public static IEnumerable<Row> Rows(ChecksummedBlockFile data, IndexEntry entry, long firstRowPosition,
        ClusteringSlice slice, bool reversed)
    {
        if (entry.RowIndex.Length == 0)
            return reversed ? SmallReversed(data, firstRowPosition, slice) : Forward(data, firstRowPosition, slice);
        return reversed ? IndexedReversed(data, entry, slice) : IndexedForward(data, entry, firstRowPosition, slice);
    }

    private static IEnumerable<Row> Forward(ChecksummedBlockFile data, long position, ClusteringSlice slice)
    {
        using var cursor = new BlockCursor(data, position);
        byte[] scratch = new byte[256];
        while (ReadRow(cursor, ref scratch) is { } row)
        {
            if (!slice.End.AdmitsAsEnd(row.Clustering)) yield break;
            if (slice.Start.AdmitsAsStart(row.Clustering)) yield return row;
        }
    }

    private static IEnumerable<Row> SmallReversed(ChecksummedBlockFile data, long position, ClusteringSlice slice)
    {
        var rows = new List<Row>(Forward(data, position, slice));
        for (int i = rows.Count - 1; i >= 0; i--) yield return rows[i];
    }

    private static IEnumerable<Row> IndexedForward(ChecksummedBlockFile data, IndexEntry entry, long firstRowPosition, ClusteringSlice slice)
    {
        var index = entry.RowIndex;
        // First stretch whose last key passes the start bound: every earlier row fails it.
        int lo = 0, hi = index.Length - 1, first = index.Length;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (slice.Start.AdmitsAsStart(index[mid].LastClustering)) { first = mid; hi = mid - 1; }
            else lo = mid + 1;
        }
        if (first == index.Length) yield break;
        long position = first == 0 ? firstRowPosition : entry.DataPosition + index[first].Offset;
        foreach (var row in Forward(data, position, slice)) yield return row;
    }

    private static IEnumerable<Row> IndexedReversed(ChecksummedBlockFile data, IndexEntry entry, ClusteringSlice slice)
    {
        var index = entry.RowIndex;
        // Last stretch whose first key passes the end bound: every later row fails it.
        int lo = 0, hi = index.Length - 1, last = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (slice.End.AdmitsAsEnd(index[mid].FirstClustering)) { last = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (last < 0) yield break;
        using var cursor = new BlockCursor(data, 0);
        byte[] scratch = new byte[256];
        var stretch = new List<Row>();
        for (int s = last; s >= 0; s--)
        {
            stretch.Clear();
            long start = entry.DataPosition + index[s].Offset, end = start + index[s].Length;
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
