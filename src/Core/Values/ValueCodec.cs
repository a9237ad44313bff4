using System.Buffers.Binary;
using System.Text;
using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Core.Values;

/// <summary>
/// Cassandra's native serialization of single values (the bytes partition keys and cells carry):
/// bigint/timestamp 8 bytes big-endian, int 4 bytes big-endian, double IEEE-754 big-endian,
/// boolean one byte, text UTF-8, blob raw, uuid/timeuuid 16 bytes in RFC 4122 (big-endian) order.
/// CLR types: long, int, string, byte[], bool, double, DateTimeOffset (or long ms) and Guid.
/// </summary>
public static class ValueCodec
{
    public static byte[] Serialize(ColumnType type, object? value, string column = "?")
    {
        if (value is null) throw new InvalidRequestException($"Column '{column}' must not be null here.");
        switch (type)
        {
            case ColumnType.BigInt:
            {
                long v = value switch { long l => l, int i => i, _ => throw WrongType(column, type, value) };
                var b = new byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); return b;
            }
            case ColumnType.Timestamp:
            {
                long v = value switch
                {
                    DateTimeOffset d => d.ToUnixTimeMilliseconds(),
                    DateTime d => new DateTimeOffset(d.ToUniversalTime()).ToUnixTimeMilliseconds(),
                    long l => l,
                    _ => throw WrongType(column, type, value),
                };
                CheckTimestampRange(v, column);
                var b = new byte[8]; BinaryPrimitives.WriteInt64BigEndian(b, v); return b;
            }
            case ColumnType.Int:
            {
                if (value is not int v) throw WrongType(column, type, value);
                var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); return b;
            }
            case ColumnType.Double:
            {
                double v = value switch { double d => d, float f => f, _ => throw WrongType(column, type, value) };
                var b = new byte[8]; BinaryPrimitives.WriteDoubleBigEndian(b, v); return b;
            }
            case ColumnType.Boolean:
                return value is bool bo ? [bo ? (byte)1 : (byte)0] : throw WrongType(column, type, value);
            case ColumnType.Text:
                return value is string s ? Encoding.UTF8.GetBytes(s) : throw WrongType(column, type, value);
            case ColumnType.Blob:
                return value switch
                {
                    byte[] a => (byte[])a.Clone(),
                    ReadOnlyMemory<byte> m => m.ToArray(),
                    _ => throw WrongType(column, type, value),
                };
            case ColumnType.Uuid:
            case ColumnType.TimeUuid:
            {
                if (value is not Guid g) throw WrongType(column, type, value);
                var b = new byte[16];
                g.TryWriteBytes(b, bigEndian: true, out _);
                if (type == ColumnType.TimeUuid && (b[6] >> 4) != 1)
                    throw new InvalidRequestException($"Column '{column}' is timeuuid but {g} is a version-{b[6] >> 4} UUID.");
                return b;
            }
            default:
                throw new InvalidRequestException($"Column '{column}' has unsupported type {type}.");
        }
    }

    public static object Deserialize(ColumnType type, ReadOnlySpan<byte> bytes)
    {
        return type switch
        {
            ColumnType.BigInt => BinaryPrimitives.ReadInt64BigEndian(Exact(bytes, 8, type)),
            ColumnType.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(CheckTimestampRange(BinaryPrimitives.ReadInt64BigEndian(Exact(bytes, 8, type)), "?")),
            ColumnType.Int => BinaryPrimitives.ReadInt32BigEndian(Exact(bytes, 4, type)),
            ColumnType.Double => BinaryPrimitives.ReadDoubleBigEndian(Exact(bytes, 8, type)),
            ColumnType.Boolean => Exact(bytes, 1, type)[0] != 0,
            ColumnType.Text => Encoding.UTF8.GetString(bytes),
            ColumnType.Blob => bytes.ToArray(),
            ColumnType.Uuid or ColumnType.TimeUuid => new Guid(Exact(bytes, 16, type), bigEndian: true),
            _ => throw new InvalidRequestException($"Unsupported type {type}."),
        };
    }

    /// <summary>Checks that raw bytes are a valid encoding of <paramref name="type"/>.</summary>
    public static void Validate(ColumnType type, ReadOnlySpan<byte> bytes, string column)
    {
        int? fixedSize = type switch
        {
            ColumnType.BigInt or ColumnType.Timestamp or ColumnType.Double => 8,
            ColumnType.Int => 4,
            ColumnType.Boolean => 1,
            ColumnType.Uuid or ColumnType.TimeUuid => 16,
            _ => null,
        };
        if (fixedSize is int n && bytes.Length != n)
            throw new InvalidRequestException($"Column '{column}' of type {type} needs {n} bytes, got {bytes.Length}.");
        if (type == ColumnType.Timestamp) CheckTimestampRange(BinaryPrimitives.ReadInt64BigEndian(bytes), column);
        if (type == ColumnType.Text && !IsValidUtf8(bytes))
            throw new InvalidRequestException($"Column '{column}' of type text is not valid UTF-8.");
    }

    // Timestamps are read back as DateTimeOffset, so only its range (years 1..9999) is storable;
    // anything else would be accepted on write and then fail every read.
    private static readonly long MinTimestampMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimestampMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static long CheckTimestampRange(long ms, string column) =>
        ms >= MinTimestampMs && ms <= MaxTimestampMs
            ? ms
            : throw new InvalidRequestException($"Column '{column}': timestamp {ms} ms is outside the supported range (years 1 to 9999).");

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> bytes, int n, ColumnType type) =>
        bytes.Length == n ? bytes : throw new InvalidRequestException($"A {type} value needs {n} bytes, got {bytes.Length}.");

    private static InvalidRequestException WrongType(string column, ColumnType type, object value) =>
        new($"Column '{column}' is {type.ToString().ToLowerInvariant()} but got a {value.GetType().Name} ({value}).");
}
