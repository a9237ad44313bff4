using RingStore.Core.Errors;
using RingStore.Core.Serialization;

namespace RingStore.Node.Cql;

/// <summary>
/// Where the next page of a SELECT starts, as the client carries it between pages. Single- and multi-partition
/// queries use <see cref="Segment"/> (which partition and slice, in read order) and <see cref="Clustering"/> (the
/// last row returned from it, null to start it afresh); range scans use <see cref="Token"/>, <see cref="PartitionKey"/>
/// and <see cref="Clustering"/> (the last row returned). <see cref="RowsSoFar"/> carries LIMIT across pages.
/// <see cref="PartitionRows"/> (PER PARTITION LIMIT): rows already returned from the partition of the position (the
/// segment's, or the range position's key). <see cref="Cursors"/> (a merged IN + ORDER BY read): where each partition
/// of the IN list stands. Both only in format 2; a state without them is written in format 1, as before.
/// </summary>
public sealed record CqlPagingState(int Segment, byte[]? Clustering, long RowsSoFar, long Token, byte[]? PartitionKey)
{
    private const byte FormatVersion = 1;
    private const byte FormatVersionWithPartitionRows = 2;

    public long PartitionRows { get; init; }

    public IReadOnlyList<SegmentCursor>? Cursors { get; init; }

    public byte[] Serialize()
    {
        var w = new BinaryWriterBuffer(64);
        bool extended = PartitionRows != 0 || Cursors is not null;
        w.WriteByte(extended ? FormatVersionWithPartitionRows : FormatVersion);
        w.WriteVarInt(Segment);
        w.WriteVarInt(RowsSoFar);
        w.WriteVarInt(Token);
        WriteOptional(w, Clustering);
        WriteOptional(w, PartitionKey);
        if (extended)
        {
            w.WriteVarInt(PartitionRows);
            w.WriteVarInt(Cursors is null ? -1 : Cursors.Count);
            foreach (var c in Cursors ?? [])
            {
                w.WriteByte(c.Done ? (byte)1 : (byte)0);
                w.WriteVarInt(c.Rows);
                WriteOptional(w, c.After);
            }
        }
        return w.ToArray();
    }

    /// <summary>Null for an empty state (the first page).</summary>
    public static CqlPagingState? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return null;
        try
        {
            var r = new BinaryReaderSpan(bytes);
            byte version = r.ReadByte();
            if (version is not (FormatVersion or FormatVersionWithPartitionRows)) throw new FormatException("unknown version");
            int segment = checked((int)r.ReadVarInt());
            long rows = r.ReadVarInt();
            long token = r.ReadVarInt();
            var clustering = ReadOptional(ref r);
            var key = ReadOptional(ref r);
            long partitionRows = 0;
            List<SegmentCursor>? cursors = null;
            if (version == FormatVersionWithPartitionRows)
            {
                partitionRows = r.ReadVarInt();
                long count = r.ReadVarInt();
                if (partitionRows < 0 || count < -1 || count > bytes.Length) throw new FormatException("bad fields");
                if (count >= 0)
                {
                    cursors = [];
                    for (long i = 0; i < count; i++)
                    {
                        byte done = r.ReadByte();
                        long cursorRows = r.ReadVarInt();
                        var after = ReadOptional(ref r);
                        if (done > 1 || cursorRows < 0) throw new FormatException("bad cursor");
                        cursors.Add(new SegmentCursor(after, cursorRows, done == 1));
                    }
                }
            }
            if (segment < 0 || rows < 0 || !r.AtEnd) throw new FormatException("bad fields");
            return new CqlPagingState(segment, clustering, rows, token, key) { PartitionRows = partitionRows, Cursors = cursors };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new InvalidRequestException("Invalid value for the paging state", e);
        }
    }

    private static void WriteOptional(BinaryWriterBuffer w, byte[]? bytes)
    {
        w.WriteByte(bytes is null ? (byte)0 : (byte)1);
        if (bytes is not null) w.WriteBlob(bytes);
    }

    private static byte[]? ReadOptional(ref BinaryReaderSpan r) => r.ReadByte() switch
    {
        0 => null,
        1 => r.ReadBlob(),
        _ => throw new FormatException("bad presence byte"),
    };
}
