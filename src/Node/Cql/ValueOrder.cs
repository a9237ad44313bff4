using RingStore.Core.Schema;

namespace RingStore.Node.Cql;

/// <summary>Compares two CLR values of one column type as CQL orders them (blobs bytewise, text by UTF-8 bytes).</summary>
public static class ValueOrder
{
    public static int Compare(ColumnType type, object a, object b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return type switch
        {
            ColumnType.BigInt => ((long)a).CompareTo((long)b),
            ColumnType.Int => ((int)a).CompareTo((int)b),
            ColumnType.Double => ((double)a).CompareTo((double)b),
            ColumnType.Boolean => ((bool)a).CompareTo((bool)b),
            ColumnType.Timestamp => ToMillis(a).CompareTo(ToMillis(b)),
            // Ordinal UTF-16 order differs from UTF-8 byte order only for surrogate pairs; compare bytes to be exact.
            ColumnType.Text => System.Text.Encoding.UTF8.GetBytes((string)a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes((string)b)),
            ColumnType.Blob => ((byte[])a).AsSpan().SequenceCompareTo((byte[])b),
            _ => ((Guid)a).CompareTo((Guid)b),
        };
    }

    private static long ToMillis(object value) => value is DateTimeOffset d ? d.ToUnixTimeMilliseconds() : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
}
