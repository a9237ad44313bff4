using RingStore.Core.Data;

namespace RingStore.Core.Serialization;

/// <summary>
/// The compact binary form of rows, tombstones and partition updates, shared by the commit log,
/// SSTables and (later) internode messages. Timestamps are zigzag varints; versioned by the
/// containers that embed it (file headers, message envelopes).
/// </summary>
public static class DataSerializer
{
    internal const byte FlagHasLiveness = 1, FlagHasDeletion = 2, FlagLivenessTtl = 4;
    internal const byte CellTombstone = 1, CellExpiring = 2;

    public static void WriteDeletion(BinaryWriterBuffer w, DeletionTime d)
    {
        w.WriteVarInt(d.MarkedForDeleteAtMicros);
        w.WriteVarInt(d.LocalDeletionTimeSeconds);
    }

    public static DeletionTime ReadDeletion(ref BinaryReaderSpan r) => new(r.ReadVarInt(), (int)r.ReadVarInt());

    public static void WriteBound(BinaryWriterBuffer w, ClusteringBound b)
    {
        w.WriteByte(b.Inclusive ? (byte)1 : (byte)0);
        w.WriteBlob(b.Prefix);
    }

    public static ClusteringBound ReadBound(ref BinaryReaderSpan r)
    {
        bool inclusive = r.ReadByte() != 0;
        return new ClusteringBound(r.ReadBlob(), inclusive);
    }

    public static void WriteRangeTombstone(BinaryWriterBuffer w, RangeTombstone rt)
    {
        WriteBound(w, rt.Slice.Start);
        WriteBound(w, rt.Slice.End);
        WriteDeletion(w, rt.Deletion);
    }

    public static RangeTombstone ReadRangeTombstone(ref BinaryReaderSpan r)
    {
        var start = ReadBound(ref r);
        var end = ReadBound(ref r);
        return new RangeTombstone(new ClusteringSlice(start, end), ReadDeletion(ref r));
    }

    public static void WriteRow(BinaryWriterBuffer w, Row row)
    {
        w.WriteBlob(row.Clustering);
        byte flags = 0;
        if (!row.Liveness.IsEmpty) flags |= FlagHasLiveness;
        if (!row.Deletion.IsLive) flags |= FlagHasDeletion;
        if (row.Liveness.TtlSeconds > 0) flags |= FlagLivenessTtl;
        w.WriteByte(flags);
        if ((flags & FlagHasLiveness) != 0) w.WriteVarInt(row.Liveness.TimestampMicros);
        if ((flags & FlagLivenessTtl) != 0)
        {
            w.WriteVarUInt((ulong)row.Liveness.TtlSeconds);
            w.WriteVarInt(row.Liveness.ExpiresAtSeconds);
        }
        if ((flags & FlagHasDeletion) != 0) WriteDeletion(w, row.Deletion);
        w.WriteVarUInt((ulong)row.Cells.Length);
        foreach (var c in row.Cells)
        {
            w.WriteVarUInt((ulong)c.Column);
            byte kind = c.IsTombstone ? CellTombstone : c.TtlSeconds > 0 ? CellExpiring : (byte)0;
            w.WriteByte(kind);
            w.WriteVarInt(c.TimestampMicros);
            if (kind == CellTombstone) w.WriteVarInt(c.LocalDeletionTimeSeconds);
            else
            {
                if (kind == CellExpiring)
                {
                    w.WriteVarUInt((ulong)c.TtlSeconds);
                    w.WriteVarInt(c.LocalDeletionTimeSeconds);
                }
                w.WriteBlob(c.Value);
            }
        }
    }

    public static Row ReadRow(ref BinaryReaderSpan r)
    {
        var row = new EncodedRowReader(r.Rest);
        var cells = new Cell[row.CellsLeft];
        for (int i = 0; row.TryReadCell(out var c, out var value); i++)
            cells[i] = new Cell(c.Column, c.TimestampMicros, c.TtlSeconds, c.LocalDeletionTimeSeconds, c.IsTombstone ? null : value.ToArray());
        var result = new Row(row.Clustering.ToArray(), row.Liveness, row.Deletion, cells);
        r.Position += row.BytesRead;
        return result;
    }

    public static void WritePartitionUpdate(BinaryWriterBuffer w, PartitionUpdate u) => WritePartitionUpdate(w, u, []);

    /// <summary>
    /// Writes <paramref name="u"/> and, when <paramref name="rowBounds"/> is not empty (it must then hold
    /// Rows.Count + 1 entries), where each row's encoding lies in the buffer: row i is
    /// [rowBounds[i], rowBounds[i + 1]), the rows are contiguous and each is what <see cref="WriteRow"/> writes.
    /// Lets a memtable keep the rows' bytes without encoding them a second time.
    /// </summary>
    public static void WritePartitionUpdate(BinaryWriterBuffer w, PartitionUpdate u, Span<int> rowBounds)
    {
        w.WriteString(u.Table);
        w.WriteBlob(u.PartitionKey);
        WriteDeletion(w, u.PartitionDeletion);
        var tombstones = u.RangeTombstones;
        w.WriteVarUInt((ulong)tombstones.Count);
        for (int i = 0; i < tombstones.Count; i++) WriteRangeTombstone(w, tombstones[i]); // indexed: no boxed enumerator per write
        var rows = u.Rows;
        w.WriteVarUInt((ulong)rows.Count);
        bool record = !rowBounds.IsEmpty;
        if (record) rowBounds[0] = w.Length;
        for (int i = 0; i < rows.Count; i++)
        {
            WriteRow(w, rows[i]);
            if (record) rowBounds[i + 1] = w.Length;
        }
    }

    /// <summary>The clustering key of a row encoded by <see cref="WriteRow"/>, without decoding the rest.</summary>
    public static ReadOnlySpan<byte> ReadRowClustering(ReadOnlySpan<byte> encodedRow) => encodedRow[RowClusteringRange(encodedRow)];

    /// <summary>Where an encoded row's clustering lies in it (right after its varint length).</summary>
    public static Range RowClusteringRange(ReadOnlySpan<byte> encodedRow)
    {
        var r = new BinaryReaderSpan(encodedRow);
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining) throw new FormatException($"Clustering of {n} bytes runs past the end ({r.Remaining} left).");
        return new Range(r.Position, r.Position + (int)n);
    }

    public static PartitionUpdate ReadPartitionUpdate(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReaderSpan(data);
        string table = r.ReadString();
        byte[] key = r.ReadBlob();
        var pd = ReadDeletion(ref r);
        int nrt = ReadCount(ref r, "range tombstones");
        var rts = new RangeTombstone[nrt];
        for (int i = 0; i < nrt; i++) rts[i] = ReadRangeTombstone(ref r);
        int nrows = ReadCount(ref r, "rows");
        var rows = new Row[nrows];
        for (int i = 0; i < nrows; i++) rows[i] = ReadRow(ref r);
        return new PartitionUpdate(table, key, pd, rts, rows);
    }

    /// <summary>
    /// An element count; each element takes at least one byte, so a count above the bytes left is
    /// corrupt (checked before any cast, so a huge varint is a FormatException, not an overflow).
    /// </summary>
    private static int ReadCount(ref BinaryReaderSpan r, string what)
    {
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining) throw new FormatException($"{n} {what} claimed with {r.Remaining} bytes left.");
        return (int)n;
    }

    public static byte[] Serialize(PartitionUpdate u)
    {
        var w = new BinaryWriterBuffer(128);
        WritePartitionUpdate(w, u);
        return w.ToArray();
    }
}
