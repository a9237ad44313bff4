using RingStore.Core.Data;

namespace RingStore.Core.Serialization;

/// <summary>
/// Where the parts of a partition update encoded by <see cref="DataSerializer.WritePartitionUpdate(BinaryWriterBuffer, PartitionUpdate)"/>
/// lie in its bytes, read without building Row objects: a replica gets the coordinator's update in exactly the
/// encoding its commit log stores, so it can log those bytes and keep the rows' bytes in its memtable as they are
/// (issue 20). Offsets, not spans, so a writer can keep it across an await while the bytes stay the caller's.
/// </summary>
public readonly record struct EncodedPartitionUpdate(
    Range Table,
    Range PartitionKey,
    DeletionTime PartitionDeletion,
    int RangeTombstoneCount,
    int RangeTombstonesStart,
    int RowCount,
    int RowsStart)
{
    /// <summary>
    /// Reads the update's header (table, key, partition deletion, the counts) and checks its range tombstones are
    /// whole; the rows are checked by <see cref="FindRowBounds"/>.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not an encoded partition update.</exception>
    public static EncodedPartitionUpdate ReadHeader(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReaderSpan(data);
        var table = ReadRange(ref r, "table name");
        var key = ReadRange(ref r, "partition key");
        var deletion = DataSerializer.ReadDeletion(ref r);
        int tombstones = ReadCount(ref r, "range tombstones");
        int tombstonesStart = r.Position;
        for (int i = 0; i < tombstones; i++) SkipRangeTombstone(ref r);
        int rows = ReadCount(ref r, "rows");
        return new EncodedPartitionUpdate(table, key, deletion, tombstones, tombstonesStart, rows, r.Position);
    }

    /// <summary>
    /// Walks every row (every cell read, as <see cref="DataSerializer.ReadRow"/> would) and writes where each lies:
    /// row i is [bounds[i], bounds[i + 1]), the shape <see cref="DataSerializer.WritePartitionUpdate(BinaryWriterBuffer, PartitionUpdate, Span{int})"/>
    /// reports. The last row must end the bytes: anything after it would reach the commit log unread.
    /// </summary>
    /// <param name="bounds">At least <see cref="RowCount"/> + 1 entries.</param>
    /// <exception cref="FormatException">A row is cut short or malformed, or bytes follow the last row.</exception>
    public void FindRowBounds(ReadOnlySpan<byte> data, Span<int> bounds)
    {
        int position = RowsStart;
        bounds[0] = position;
        for (int i = 0; i < RowCount; i++)
        {
            if (position >= data.Length) throw new FormatException($"Row {i} of {RowCount} starts past the end of the update.");
            var row = new EncodedRowReader(data[position..]);
            while (row.TryReadCell(out _)) { }
            position += row.BytesRead;
            bounds[i + 1] = position;
        }
        if (position != data.Length)
            throw new FormatException($"{data.Length - position} bytes follow the last of the update's {RowCount} rows.");
    }

    /// <summary>The range tombstones as objects (rare, so not worth reading in place); empty without any.</summary>
    public RangeTombstone[] ReadRangeTombstones(ReadOnlySpan<byte> data)
    {
        if (RangeTombstoneCount == 0) return [];
        var r = new BinaryReaderSpan(data);
        r.Position = RangeTombstonesStart;
        var tombstones = new RangeTombstone[RangeTombstoneCount];
        for (int i = 0; i < tombstones.Length; i++) tombstones[i] = DataSerializer.ReadRangeTombstone(ref r);
        return tombstones;
    }

    private static void SkipRangeTombstone(ref BinaryReaderSpan r)
    {
        r.ReadByte();
        ReadRange(ref r, "range tombstone start");
        r.ReadByte();
        ReadRange(ref r, "range tombstone end");
        DataSerializer.ReadDeletion(ref r);
    }

    private static Range ReadRange(ref BinaryReaderSpan r, string what)
    {
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining) throw new FormatException($"{what} of {n} bytes runs past the end ({r.Remaining} left).");
        int start = r.Position;
        r.Position += (int)n;
        return new Range(start, start + (int)n);
    }

    /// <summary>Each element takes at least one byte, so a count above the bytes left is corrupt (as DataSerializer checks).</summary>
    private static int ReadCount(ref BinaryReaderSpan r, string what)
    {
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining) throw new FormatException($"{n} {what} claimed with {r.Remaining} bytes left.");
        return (int)n;
    }
}
