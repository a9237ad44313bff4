using System.Buffers.Binary;
using System.Text;
using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Core.Values;

/// <summary>
/// Byte-comparable clustering keys: the encoding of a clustering prefix compares with plain
/// unsigned memcmp exactly as the column values compare in their declared order, so memtables and
/// SSTables sort rows without knowing types.
/// Per component (every encoding is prefix-free, so components concatenate safely):
///   bigint/timestamp/int: big-endian with the sign bit flipped;
///   double: IEEE bits, all flipped when negative, else sign bit flipped (NaN canonicalized, sorts last);
///   boolean: one byte; uuid: version nibble, then as timeuuid for v1, else the 16 raw bytes;
///   timeuuid: 60-bit timestamp big-endian (8 bytes), then the clock sequence and node (8 bytes);
///   text/blob: bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x00.
/// DESC columns complement every byte of the component, which reverses order for prefix-free codes.
/// </summary>
public static class ClusteringKeyCodec
{
    /// <summary>Encodes a full key or a prefix (fewer values than columns, for slice bounds).</summary>
    public static byte[] Encode(IReadOnlyList<ClusteringColumn> columns, IReadOnlyList<object?> values)
    {
        if (values.Count > columns.Count)
            throw new InvalidRequestException($"Clustering key has {columns.Count} column(s), got {values.Count} values.");
        var buffer = new List<byte>(32);
        for (int i = 0; i < values.Count; i++)
        {
            var col = columns[i];
            byte[] raw = ValueCodec.Serialize(col.Type, values[i], col.Name);
            int start = buffer.Count;
            AppendComponent(buffer, col.Type, raw);
            if (col.Order == ClusteringOrder.Desc)
                for (int j = start; j < buffer.Count; j++) buffer[j] = (byte)~buffer[j];
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// <see cref="Encode"/> from components already in their value serialization (<see cref="ValueCodec"/>'s bytes,
    /// e.g. the native protocol's bound values, checked by the caller): the same bytes, without the CLR values.
    /// The components are not modified.
    /// </summary>
    public static byte[] EncodeSerialized(IReadOnlyList<ClusteringColumn> columns, IReadOnlyList<byte[]> components)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count > columns.Count)
            throw new InvalidRequestException($"Clustering key has {columns.Count} column(s), got {components.Count} values.");
        var buffer = new List<byte>(32);
        for (int i = 0; i < components.Count; i++)
        {
            var col = columns[i];
            int start = buffer.Count;
            // AppendComponent flips the sign bit of integers in place: give it a copy.
            AppendComponent(buffer, col.Type, (byte[])components[i].Clone());
            if (col.Order == ClusteringOrder.Desc)
                for (int j = start; j < buffer.Count; j++) buffer[j] = (byte)~buffer[j];
        }
        return buffer.ToArray();
    }

    /// <summary>Decodes an encoded key (or prefix) back into CLR values.</summary>
    public static object[] Decode(IReadOnlyList<ClusteringColumn> columns, ReadOnlySpan<byte> encoded)
    {
        var values = new List<object>(columns.Count);
        int pos = 0;
        for (int i = 0; i < columns.Count && pos < encoded.Length; i++)
        {
            var col = columns[i];
            bool desc = col.Order == ClusteringOrder.Desc;
            byte[] raw = ReadComponent(encoded, ref pos, col.Type, desc);
            values.Add(ValueCodec.Deserialize(col.Type, raw));
        }
        if (pos != encoded.Length) throw new InvalidRequestException("Malformed clustering key: trailing bytes.");
        return values.ToArray();
    }

    /// <summary>
    /// Checks that <paramref name="encoded"/> is a well-formed key or prefix and returns how many
    /// components it has, without decoding values (the write path validates every row this way).
    /// </summary>
    public static int CountComponents(IReadOnlyList<ClusteringColumn> columns, ReadOnlySpan<byte> encoded)
    {
        int pos = 0, count = 0;
        for (int i = 0; i < columns.Count && pos < encoded.Length; i++)
        {
            bool desc = columns[i].Order == ClusteringOrder.Desc;
            byte At(ReadOnlySpan<byte> e, int at) =>
                at < e.Length ? (desc ? (byte)~e[at] : e[at]) : throw new InvalidRequestException("Malformed clustering key: truncated component.");
            switch (columns[i].Type)
            {
                case ColumnType.BigInt or ColumnType.Timestamp or ColumnType.Double: pos += 8; break;
                case ColumnType.Int: pos += 4; break;
                case ColumnType.Boolean: pos += 1; break;
                case ColumnType.TimeUuid: pos += 17; break;
                case ColumnType.Uuid: pos += At(encoded, pos) == 1 ? 18 : 17; break;
                case ColumnType.Text or ColumnType.Blob:
                    while (true)
                    {
                        if (At(encoded, pos++) != 0) continue;
                        byte next = At(encoded, pos++);
                        if (next == 0) break;
                        if (next != 0xFF) throw new InvalidRequestException("Malformed clustering key: bad escape.");
                    }
                    break;
                default:
                    throw new InvalidRequestException($"Type {columns[i].Type} cannot be a clustering column.");
            }
            if (pos > encoded.Length) throw new InvalidRequestException("Malformed clustering key: truncated component.");
            count++;
        }
        if (pos != encoded.Length) throw new InvalidRequestException("Malformed clustering key: trailing bytes.");
        return count;
    }

    private static void AppendComponent(List<byte> buf, ColumnType type, byte[] raw)
    {
        switch (type)
        {
            case ColumnType.BigInt:
            case ColumnType.Timestamp:
            case ColumnType.Int:
                raw[0] ^= 0x80;
                buf.AddRange(raw);
                break;
            case ColumnType.Double:
            {
                double d = BinaryPrimitives.ReadDoubleBigEndian(raw);
                if (d == 0) d = 0.0; // -0.0 and 0.0 are equal values
                // Canonical NaN with the sign bit clear, so it sorts after +Infinity. (.NET's double.NaN
                // has the sign bit set and would sort before -Infinity.)
                ulong bits = double.IsNaN(d) ? 0x7FF8_0000_0000_0000UL : (ulong)BitConverter.DoubleToInt64Bits(d);
                bits = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
                Span<byte> b = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(b, bits);
                foreach (byte x in b) buf.Add(x);
                break;
            }
            case ColumnType.Boolean:
                buf.Add(raw[0] != 0 ? (byte)1 : (byte)0);
                break;
            case ColumnType.TimeUuid:
                AppendTimeUuid(buf, raw);
                break;
            case ColumnType.Uuid:
            {
                int version = raw[6] >> 4;
                buf.Add((byte)version);
                if (version == 1) AppendTimeUuid(buf, raw);
                else buf.AddRange(raw);
                break;
            }
            case ColumnType.Text:
            case ColumnType.Blob:
                foreach (byte x in raw)
                {
                    buf.Add(x);
                    if (x == 0) buf.Add(0xFF);
                }
                buf.Add(0); buf.Add(0);
                break;
            default:
                throw new InvalidRequestException($"Type {type} cannot be a clustering column.");
        }
    }

    private static void AppendTimeUuid(List<byte> buf, byte[] raw)
    {
        // RFC 4122 v1: time_low(4) time_mid(2) time_hi_and_version(2) clock_seq(2) node(6).
        ulong timeLow = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(0));
        ulong timeMid = BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(4));
        ulong timeHi = (ulong)(BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(6)) & 0x0FFF);
        ulong ts = (timeHi << 48) | (timeMid << 32) | timeLow;
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, ts);
        foreach (byte x in b) buf.Add(x);
        // Keep the version nibble so the original bytes can be rebuilt.
        buf.Add(raw[6]);
        for (int i = 8; i < 16; i++) buf.Add(raw[i]);
    }

    private static byte[] ReadComponent(ReadOnlySpan<byte> enc, ref int pos, ColumnType type, bool desc)
    {
        byte At(ReadOnlySpan<byte> e, int i)
        {
            if (i >= e.Length) throw new InvalidRequestException("Malformed clustering key: truncated component.");
            return desc ? (byte)~e[i] : e[i];
        }

        switch (type)
        {
            case ColumnType.BigInt:
            case ColumnType.Timestamp:
            case ColumnType.Int:
            {
                int n = type == ColumnType.Int ? 4 : 8;
                var raw = new byte[n];
                for (int i = 0; i < n; i++) raw[i] = At(enc, pos + i);
                raw[0] ^= 0x80;
                pos += n;
                return raw;
            }
            case ColumnType.Double:
            {
                var b = new byte[8];
                for (int i = 0; i < 8; i++) b[i] = At(enc, pos + i);
                pos += 8;
                ulong bits = BinaryPrimitives.ReadUInt64BigEndian(b);
                bits = (bits & 0x8000_0000_0000_0000UL) != 0 ? bits & 0x7FFF_FFFF_FFFF_FFFFUL : ~bits;
                BinaryPrimitives.WriteUInt64BigEndian(b, bits);
                return b;
            }
            case ColumnType.Boolean:
                return [At(enc, pos++)];
            case ColumnType.TimeUuid:
                return ReadTimeUuid(enc, ref pos, desc);
            case ColumnType.Uuid:
            {
                int version = At(enc, pos++);
                if (version == 1) return ReadTimeUuid(enc, ref pos, desc);
                var raw = new byte[16];
                for (int i = 0; i < 16; i++) raw[i] = At(enc, pos + i);
                pos += 16;
                return raw;
            }
            case ColumnType.Text:
            case ColumnType.Blob:
            {
                var bytes = new List<byte>();
                while (true)
                {
                    byte x = At(enc, pos++);
                    if (x != 0) { bytes.Add(x); continue; }
                    byte next = At(enc, pos++);
                    if (next == 0) break;
                    if (next != 0xFF) throw new InvalidRequestException("Malformed clustering key: bad escape.");
                    bytes.Add(0);
                }
                return type == ColumnType.Text ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes.ToArray())) : bytes.ToArray();
            }
            default:
                throw new InvalidRequestException($"Type {type} cannot be a clustering column.");
        }
    }

    private static byte[] ReadTimeUuid(ReadOnlySpan<byte> enc, ref int pos, bool desc)
    {
        Span<byte> b = stackalloc byte[17];
        for (int i = 0; i < 17; i++)
        {
            if (pos + i >= enc.Length) throw new InvalidRequestException("Malformed clustering key: truncated uuid.");
            b[i] = desc ? (byte)~enc[pos + i] : enc[pos + i];
        }
        pos += 17;
        ulong ts = BinaryPrimitives.ReadUInt64BigEndian(b);
        var raw = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(0), (uint)(ts & 0xFFFF_FFFF));
        BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(4), (ushort)((ts >> 32) & 0xFFFF));
        ushort hi = (ushort)(((ts >> 48) & 0x0FFF) | (uint)((b[8] >> 4) << 12));
        BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(6), hi);
        for (int i = 0; i < 8; i++) raw[8 + i] = b[9 + i];
        return raw;
    }
}
