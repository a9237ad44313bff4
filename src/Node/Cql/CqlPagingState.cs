using RingStore.Core.Errors;
using RingStore.Core.Serialization;

namespace RingStore.Node.Cql;

/// <summary>
/// Where the next page of a SELECT starts, as the client carries it between pages. Single- and multi-partition
/// queries use <see cref="Segment"/> (which partition and slice, in read order) and <see cref="Clustering"/> (the
/// last row returned from it, null to start it afresh); range scans use <see cref="Token"/>, <see cref="PartitionKey"/>
/// and <see cref="Clustering"/> (the last row returned). <see cref="RowsSoFar"/> carries LIMIT across pages.
/// </summary>
public sealed record CqlPagingState(int Segment, byte[]? Clustering, long RowsSoFar, long Token, byte[]? PartitionKey)
{
    private const byte FormatVersion = 1;

    public byte[] Serialize()
    {
        var w = new BinaryWriterBuffer(64);
        w.WriteByte(FormatVersion);
        w.WriteVarInt(Segment);
        w.WriteVarInt(RowsSoFar);
        w.WriteVarInt(Token);
        WriteOptional(w, Clustering);
        WriteOptional(w, PartitionKey);
        return w.ToArray();
    }

    /// <summary>Null for an empty state (the first page).</summary>
    public static CqlPagingState? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return null;
        try
        {
            var r = new BinaryReaderSpan(bytes);
            if (r.ReadByte() != FormatVersion) throw new FormatException("unknown version");
            int segment = checked((int)r.ReadVarInt());
            long rows = r.ReadVarInt();
            long token = r.ReadVarInt();
            var clustering = ReadOptional(ref r);
            var key = ReadOptional(ref r);
            if (segment < 0 || rows < 0 || !r.AtEnd) throw new FormatException("bad fields");
            return new CqlPagingState(segment, clustering, rows, token, key);
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
