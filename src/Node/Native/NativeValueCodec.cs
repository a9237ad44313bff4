using System.Buffers.Binary;
using System.Net;
using System.Text;
using Google.Protobuf;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Node.Api;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Native;

/// <summary>
/// CQL's binary value encodings. Bound values are decoded into the API's <see cref="ProtoValue"/> (the executor's
/// input, so both front ends bind the same way); results and system-table cells are encoded from CLR values.
/// A value of the wrong size is an InvalidRequest naming the column, as Cassandra's "Expected 4 or 0 byte int".
/// </summary>
public static class NativeValueCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static ProtoValue ToProto(ColumnType type, ReadOnlySpan<byte> bytes, string column)
    {
        switch (type)
        {
            case ColumnType.Text:
                try
                {
                    return new ProtoValue { Text = StrictUtf8.GetString(bytes) };
                }
                catch (DecoderFallbackException)
                {
                    throw new InvalidRequestException($"Invalid UTF-8 bytes for column {column}");
                }
            case ColumnType.Blob:
                return new ProtoValue { Blob = ByteString.CopyFrom(bytes) };
            case ColumnType.BigInt:
                return new ProtoValue { Bigint = BinaryPrimitives.ReadInt64BigEndian(Sized(bytes, 8, "bigint", column)) };
            case ColumnType.Timestamp:
                return new ProtoValue { Timestamp = BinaryPrimitives.ReadInt64BigEndian(Sized(bytes, 8, "timestamp", column)) };
            case ColumnType.Int:
                return new ProtoValue { Int = BinaryPrimitives.ReadInt32BigEndian(Sized(bytes, 4, "int", column)) };
            case ColumnType.Boolean:
                return new ProtoValue { Boolean = Sized(bytes, 1, "boolean", column)[0] != 0 };
            case ColumnType.Double:
                return new ProtoValue { Double = BinaryPrimitives.ReadDoubleBigEndian(Sized(bytes, 8, "double", column)) };
            case ColumnType.Uuid:
                return new ProtoValue { Uuid = new Guid(Sized(bytes, 16, "uuid", column), bigEndian: true).ToString() };
            case ColumnType.TimeUuid:
                return new ProtoValue { Timeuuid = new Guid(Sized(bytes, 16, "timeuuid", column), bigEndian: true).ToString() };
            default:
                throw new InvalidRequestException($"Column {column} has an unsupported type {type}");
        }
    }

    /// <summary>A result cell from the API's value; null for a missing cell.</summary>
    public static byte[]? FromProto(ColumnType type, ProtoValue value, string column) =>
        ValueConverter.IsNull(value) ? null : Encode(NativeType.Of(type), ValueConverter.ToClr(type, value, column));

    /// <summary>Encodes a CLR value as the given type (system tables use collections, strings, inets and uuids).</summary>
    public static byte[]? Encode(NativeType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (value is null) return null;
        var w = new NativeWriter(16);
        Write(w, type, value);
        return w.ToArray();
    }

    private static void Write(NativeWriter w, NativeType type, object value)
    {
        switch (type.Id)
        {
            case 0x0001 or 0x000D:
                w.WriteRaw(Encoding.UTF8.GetBytes((string)value));
                break;
            case 0x0002 or 0x000B:
                w.WriteLong(value is DateTimeOffset d ? d.ToUnixTimeMilliseconds() : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case 0x0003:
                w.WriteRaw((byte[])value);
                break;
            case 0x0004:
                w.WriteByte((bool)value ? (byte)1 : (byte)0);
                break;
            case 0x0007:
                w.WriteLong(BitConverter.DoubleToInt64Bits((double)value));
                break;
            case 0x0009:
                w.WriteInt((int)value);
                break;
            case 0x000C or 0x000F:
                w.WriteRaw(((Guid)value).ToByteArray(bigEndian: true));
                break;
            case 0x0010:
                w.WriteRaw(((IPAddress)value).GetAddressBytes());
                break;
            case 0x0020 or 0x0022:
            {
                var items = (IReadOnlyCollection<string>)value;
                w.WriteInt(items.Count);
                foreach (string item in items) Element(w, type.Element!, item);
                break;
            }
            case 0x0021:
            {
                var map = (IReadOnlyDictionary<string, string>)value;
                w.WriteInt(map.Count);
                foreach (var (k, v) in map)
                {
                    Element(w, type.Element!, k);
                    Element(w, type.Value!, v);
                }
                break;
            }
            default:
                throw new InvalidOperationException($"No encoding for type id {type.Id}.");
        }
    }

    private static void Element(NativeWriter w, NativeType type, object value)
    {
        byte[] bytes = Encode(type, value)!;
        w.WriteBytes(bytes);
    }

    private static ReadOnlySpan<byte> Sized(ReadOnlySpan<byte> bytes, int size, string typeName, string column) =>
        bytes.Length == size ? bytes
            : throw new InvalidRequestException($"Expected {size} byte {typeName} for column {column}, got {bytes.Length} bytes");
}
