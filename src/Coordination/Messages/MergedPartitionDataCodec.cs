using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;

namespace RingStore.Coordination;

/// <summary>
/// Binary form of a replica's read answer (<see cref="MergedPartitionData"/>, or null for "nothing here"),
/// carried inside <see cref="ReadResponseMessage"/>. Rows and tombstones use Core's DataSerializer, the same
/// encoding as the commit log and SSTables. A leading format byte lets the form change later.
/// </summary>
public static class MergedPartitionDataCodec
{
    private const byte FormatVersion = 1;
    private const byte Absent = 0, Present = 1;

    public static byte[] Serialize(MergedPartitionData? data)
    {
        var w = new BinaryWriterBuffer(256);
        w.WriteByte(FormatVersion);
        if (data is null)
        {
            w.WriteByte(Absent);
            return w.ToArray();
        }
        w.WriteByte(Present);
        w.WriteBlob(data.Key);
        w.WriteVarInt(data.Token.Value);
        DataSerializer.WriteDeletion(w, data.PartitionDeletion);
        w.WriteVarUInt((ulong)data.RangeTombstones.Count);
        foreach (var rt in data.RangeTombstones)
        {
            DataSerializer.WriteRangeTombstone(w, rt);
        }
        w.WriteVarUInt((ulong)data.Rows.Count);
        foreach (var row in data.Rows)
        {
            DataSerializer.WriteRow(w, row);
        }
        return w.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a partition in a format this build reads.</exception>
    public static MergedPartitionData? Deserialize(ReadOnlySpan<byte> bytes)
    {
        var r = new BinaryReaderSpan(bytes);
        byte version = r.ReadByte();
        if (version != FormatVersion)
        {
            throw new FormatException($"Unknown partition data format {version}.");
        }
        byte presence = r.ReadByte();
        if (presence == Absent)
        {
            return null;
        }
        if (presence != Present)
        {
            throw new FormatException($"Bad presence byte {presence}.");
        }
        byte[] key = r.ReadBlob();
        var token = new Token(r.ReadVarInt());
        var deletion = DataSerializer.ReadDeletion(ref r);
        var tombstones = new RangeTombstone[ReadCount(ref r)];
        for (int i = 0; i < tombstones.Length; i++)
        {
            tombstones[i] = DataSerializer.ReadRangeTombstone(ref r);
        }
        var rows = new Row[ReadCount(ref r)];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = DataSerializer.ReadRow(ref r);
        }
        if (!r.AtEnd)
        {
            throw new FormatException($"{r.Remaining} trailing byte(s) after the partition.");
        }
        return new MergedPartitionData(key, token, deletion, tombstones, rows);
    }

    /// <summary>Each element takes at least one byte, so a larger count is corrupt (and never allocated).</summary>
    private static int ReadCount(ref BinaryReaderSpan r)
    {
        ulong n = r.ReadVarUInt();
        if (n > (ulong)r.Remaining)
        {
            throw new FormatException($"{n} elements claimed with {r.Remaining} bytes left.");
        }
        return (int)n;
    }
}
