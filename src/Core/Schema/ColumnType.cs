namespace RingStore.Core.Schema;

/// <summary>Column types. Written to disk and over the wire: explicit values, append-only.</summary>
public enum ColumnType : byte
{
    BigInt = 1,
    Int = 2,
    Text = 3,
    Blob = 4,
    Boolean = 5,
    Double = 6,
    /// <summary>Milliseconds since the Unix epoch, as in CQL.</summary>
    Timestamp = 7,
    Uuid = 8,
    /// <summary>A version-1 (time-based) UUID, ordered by its embedded time.</summary>
    TimeUuid = 9,
}
