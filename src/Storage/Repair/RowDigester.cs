using System.IO.Hashing;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;
using RingStore.Storage.Engine;

namespace RingStore.Storage.Repair;

/// <summary>
/// Canonical digests of the merged view of a partition, so two replicas that hold the same data in different SSTable
/// layouts (flushed or not, compacted or not) give equal digests. Canonical means: rows come from the merged view
/// (already reconciled and with shadowed data removed by the merge), cells are ordered by column, an expiring cell
/// that has expired at <c>nowSeconds</c> is hashed as the tombstone compaction turns it into, and range tombstones
/// are sorted and de-duplicated (a merge of several SSTables lists one tombstone per source), leaving out those
/// the partition deletion shadows (compaction drops them). Every write timestamp,
/// TTL, local deletion time, row deletion, partition deletion and range tombstone is hashed. <c>nowSeconds</c> is
/// chosen once by the repair coordinator and sent to every replica, so expiry is judged at the same instant on all.
/// Pure: no I/O, no clock.
/// </summary>
public static class RowDigester
{
    /// <summary>The entries of one merged partition, in scan order: the header (if it has any deletion), then rows.</summary>
    public static IEnumerable<RepairEntry> Entries(MergedPartitionData partition, int nowSeconds)
    {
        var header = Header(partition.Token.Value, partition.Key, partition.PartitionDeletion, partition.RangeTombstones);
        if (header is not null) yield return header;
        foreach (var row in partition.Rows)
            yield return ForRow(partition.Token.Value, partition.Key, row, nowSeconds);
    }

    /// <summary>The row entries alone: for a later piece of a partition whose header came with its first piece.</summary>
    public static IEnumerable<RepairEntry> RowEntries(MergedPartitionData piece, int nowSeconds)
    {
        foreach (var row in piece.Rows)
            yield return ForRow(piece.Token.Value, piece.Key, row, nowSeconds);
    }

    /// <summary>Null for a partition without partition deletion or range tombstones (nothing to hash).</summary>
    public static RepairEntry? Header(long token, byte[] key, DeletionTime deletion, IReadOnlyList<RangeTombstone> tombstones)
    {
        if (deletion.IsLive && tombstones.Count == 0) return null;
        var w = new BinaryWriterBuffer(64);
        int written = 0;
        WriteIdentity(w, token, key, isHeader: true, []);
        DataSerializer.WriteDeletion(w, deletion);
        var encoded = new List<byte[]>(tombstones.Count);
        var one = new BinaryWriterBuffer(32);
        foreach (var rt in tombstones)
        {
            // Compaction drops a range tombstone the partition deletion shadows; the merged view of an uncompacted
            // replica still lists it. Neither deletes anything the partition deletion does not.
            if (rt.Deletion.MarkedForDeleteAtMicros <= deletion.MarkedForDeleteAtMicros) continue;
            one.Clear();
            DataSerializer.WriteRangeTombstone(one, rt);
            encoded.Add(one.ToArray());
        }
        encoded.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        byte[]? previous = null;
        foreach (var e in encoded)
        {
            if (previous is not null && previous.AsSpan().SequenceEqual(e)) continue;
            w.WriteBlob(e);
            previous = e;
            written++;
        }
        if (deletion.IsLive && written == 0) return null;
        return new RepairEntry(token, key, true, [], XxHash128.HashToUInt128(w.WrittenSpan));
    }

    public static RepairEntry ForRow(long token, byte[] key, Row row, int nowSeconds)
    {
        var cells = new Cell[row.Cells.Length];
        for (int i = 0; i < cells.Length; i++) cells[i] = row.Cells[i].AsTombstoneIfExpired(nowSeconds);
        Array.Sort(cells, static (a, b) => a.Column.CompareTo(b.Column));
        var w = new BinaryWriterBuffer(128);
        WriteIdentity(w, token, key, isHeader: false, row.Clustering);
        DataSerializer.WriteRow(w, new Row(row.Clustering, row.Liveness, row.Deletion, cells));
        return new RepairEntry(token, key, false, row.Clustering, XxHash128.HashToUInt128(w.WrittenSpan));
    }

    private static void WriteIdentity(BinaryWriterBuffer w, long token, byte[] key, bool isHeader, byte[] clustering)
    {
        w.WriteInt64(token);
        w.WriteBlob(key);
        w.WriteByte(isHeader ? (byte)1 : (byte)0);
        w.WriteBlob(clustering);
    }
}
