using System.Buffers.Binary;
using System.Text;
using CsCheck;
using RingStore.Core.Schema;

namespace RingStore.Core.Tests.Support;

/// <summary>
/// Generators of CLR values for every clustering type, and the type's natural (CQL) order,
/// written independently of ClusteringKeyCodec so the codec can be checked against it.
/// </summary>
public static class ClusteringValues
{
    public static readonly ColumnType[] AllTypes =
    [
        ColumnType.BigInt, ColumnType.Int, ColumnType.Text, ColumnType.Blob, ColumnType.Boolean,
        ColumnType.Double, ColumnType.Timestamp, ColumnType.Uuid, ColumnType.TimeUuid,
    ];

    // DateTimeOffset's range, in Unix milliseconds.
    public const long MinTimestampMs = -62135596800000L;
    public const long MaxTimestampMs = 253402300799999L;

    private static readonly Gen<byte> InterestingByte = Gen.Frequency((3, Gen.Byte), (1, Gen.Const((byte)0)), (1, Gen.Const((byte)0xFF)), (1, Gen.Byte[0, 2]));

    private static readonly Gen<string> Text =
        Gen.Frequency(
            (3, Gen.Int[0x00, 0x7F]), (1, Gen.Const(0)), (1, Gen.Int[0x80, 0x7FF]), (1, Gen.Int[0x800, 0xD7FF]),
            (1, Gen.Int[0xE000, 0xFFFF]), (1, Gen.Int[0x10000, 0x10FFFF]))
        .Array[0, 6]
        .Select(cps => string.Concat(cps.Select(cp => new Rune(cp).ToString())));

    private static readonly Gen<double> Double =
        Gen.Frequency(
            (4, Gen.Double),
            (1, Gen.Double[-3, 3]),
            (3, Gen.OneOf(
                double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0_0000_0000_0001)),
                double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, -double.Epsilon,
                double.MaxValue, double.MinValue, 1.0, -1.0)));

    private static readonly Gen<DateTimeOffset> Timestamp =
        Gen.Frequency(
            (3, Gen.Long[MinTimestampMs, MaxTimestampMs]),
            (1, Gen.Long[-5, 5]),
            (1, Gen.OneOf(MinTimestampMs, MaxTimestampMs, 0L, -1L, 1L)))
        .Select(DateTimeOffset.FromUnixTimeMilliseconds);

    /// <summary>A UUID of the given version (RFC 4122 variant), with timestamps drawn from a small set to force ties.</summary>
    private static Gen<Guid> UuidOfVersion(Gen<int> version) =>
        Gen.Select(version, InterestingByte.Array[16], Gen.Frequency((2, Gen.Long[0, 3]), (1, Gen.Long[0, 0x0FFF_FFFF_FFFF_FFFF])))
            .Select((v, bytes, ts) =>
            {
                if (v == 1)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(0), (uint)ts);
                    BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), (ushort)(ts >> 32));
                    BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), (ushort)((ts >> 48) & 0x0FFF));
                }
                bytes[6] = (byte)((bytes[6] & 0x0F) | (v << 4));
                return new Guid(bytes, bigEndian: true);
            });

    public static Gen<object> For(ColumnType type) => type switch
    {
        ColumnType.BigInt => Gen.Frequency((3, Gen.Long), (1, Gen.Long[-3, 3])).Select(v => (object)v),
        ColumnType.Int => Gen.Frequency((3, Gen.Int), (1, Gen.Int[-3, 3])).Select(v => (object)v),
        ColumnType.Text => Text.Select(v => (object)v),
        ColumnType.Blob => InterestingByte.Array[0, 6].Select(v => (object)v),
        ColumnType.Boolean => Gen.Bool.Select(v => (object)v),
        ColumnType.Double => Double.Select(v => (object)v),
        ColumnType.Timestamp => Timestamp.Select(v => (object)v),
        ColumnType.Uuid => UuidOfVersion(Gen.Frequency((2, Gen.Const(1)), (2, Gen.Const(4)), (1, Gen.Int[0, 15]))).Select(v => (object)v),
        ColumnType.TimeUuid => UuidOfVersion(Gen.Const(1)).Select(v => (object)v),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The CQL order of two values of <paramref name="type"/> (ascending).</summary>
    public static int Compare(ColumnType type, object a, object b) => type switch
    {
        ColumnType.BigInt => ((long)a).CompareTo((long)b),
        ColumnType.Int => ((int)a).CompareTo((int)b),
        ColumnType.Text => CompareUnsigned(Encoding.UTF8.GetBytes((string)a), Encoding.UTF8.GetBytes((string)b)),
        ColumnType.Blob => CompareUnsigned((byte[])a, (byte[])b),
        ColumnType.Boolean => ((bool)a).CompareTo((bool)b),
        ColumnType.Double => CompareDouble((double)a, (double)b),
        ColumnType.Timestamp => ToMs(a).CompareTo(ToMs(b)),
        ColumnType.Uuid => CompareUuid((Guid)a, (Guid)b),
        ColumnType.TimeUuid => CompareTimeUuid((Guid)a, (Guid)b),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Equality of values as the type sees them (-0.0 = 0.0, every NaN equal).</summary>
    public static bool ValueEquals(ColumnType type, object a, object b) => Compare(type, a, b) == 0 && type switch
    {
        ColumnType.Text => (string)a == (string)b,
        ColumnType.Uuid or ColumnType.TimeUuid => (Guid)a == (Guid)b,
        _ => true,
    };

    public static long ToMs(object v) => v switch
    {
        DateTimeOffset d => d.ToUnixTimeMilliseconds(),
        long l => l,
        _ => throw new ArgumentException($"not a timestamp: {v}"),
    };

    public static int CompareUnsigned(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
            if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
        return a.Length.CompareTo(b.Length);
    }

    private static int CompareDouble(double a, double b)
    {
        if (double.IsNaN(a)) return double.IsNaN(b) ? 0 : 1;
        if (double.IsNaN(b)) return -1;
        return a < b ? -1 : a > b ? 1 : 0; // -0.0 == 0.0
    }

    private static byte[] Bytes(Guid g)
    {
        var b = new byte[16];
        g.TryWriteBytes(b, bigEndian: true, out _);
        return b;
    }

    private static ulong UuidTimestamp(byte[] b) =>
        ((ulong)(BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(6)) & 0x0FFF) << 48) |
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(4)) << 32) |
        BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(0));

    private static int CompareTimeUuid(Guid a, Guid b)
    {
        byte[] x = Bytes(a), y = Bytes(b);
        int c = UuidTimestamp(x).CompareTo(UuidTimestamp(y));
        if (c != 0) return c;
        c = x[6].CompareTo(y[6]); // version nibble (same for timeuuids)
        return c != 0 ? c : CompareUnsigned(x.AsSpan(8), y.AsSpan(8));
    }

    private static int CompareUuid(Guid a, Guid b)
    {
        byte[] x = Bytes(a), y = Bytes(b);
        int va = x[6] >> 4, vb = y[6] >> 4;
        if (va != vb) return va.CompareTo(vb);
        return va == 1 ? CompareTimeUuid(a, b) : CompareUnsigned(x, y);
    }

    public static string Show(object? v) => v switch
    {
        byte[] b => "0x" + Convert.ToHexString(b),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + $"[{BitConverter.DoubleToInt64Bits(d):X16}]",
        DateTimeOffset d => d.ToUnixTimeMilliseconds() + "ms",
        string s => "\"" + string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:X4}" : c.ToString())) + "\"",
        null => "null",
        _ => v.ToString() ?? "",
    };
}
