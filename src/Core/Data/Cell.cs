namespace RingStore.Core.Data;

/// <summary>
/// One regular column's value in a row: a write timestamp (microseconds), an optional TTL, and a
/// value or a tombstone (<see cref="Value"/> null).
/// <see cref="LocalDeletionTimeSeconds"/> is the deletion second for a tombstone, the expiry second
/// for a cell with a TTL, and <see cref="NoDeletion"/> otherwise.
/// </summary>
public readonly record struct Cell(int Column, long TimestampMicros, int TtlSeconds, int LocalDeletionTimeSeconds, byte[]? Value)
{
    public const int NoDeletion = int.MaxValue;

    public bool IsTombstone => Value is null;
    public bool IsExpiring => TtlSeconds > 0 && Value is not null;

    public static Cell Live(int column, long timestampMicros, byte[] value) =>
        new(column, timestampMicros, 0, NoDeletion, value);

    public static Cell Expiring(int column, long timestampMicros, byte[] value, int ttlSeconds, int nowSeconds) =>
        new(column, timestampMicros, ttlSeconds, AddSaturating(nowSeconds, ttlSeconds), value);

    public static Cell Tombstone(int column, long timestampMicros, int nowSeconds) =>
        new(column, timestampMicros, 0, nowSeconds, null);

    /// <summary>A value the reader may see at <paramref name="nowSeconds"/>.</summary>
    public bool IsLiveAt(int nowSeconds) => Value is not null && (TtlSeconds == 0 || nowSeconds < LocalDeletionTimeSeconds);

    /// <summary>
    /// An expired cell behaves as a tombstone written at the same timestamp (as in Cassandra), so a
    /// replica that saw the TTL expire and one that did not still resolve to the same answer.
    /// </summary>
    public Cell AsTombstoneIfExpired(int nowSeconds) =>
        IsExpiring && nowSeconds >= LocalDeletionTimeSeconds
            ? new Cell(Column, TimestampMicros, 0, LocalDeletionTimeSeconds - TtlSeconds, null)
            : this;

    internal static int AddSaturating(int a, int b) => (long)a + b >= int.MaxValue ? int.MaxValue - 1 : a + b;

    public bool Equals(Cell other) =>
        Column == other.Column && TimestampMicros == other.TimestampMicros && TtlSeconds == other.TtlSeconds &&
        LocalDeletionTimeSeconds == other.LocalDeletionTimeSeconds &&
        (Value is null ? other.Value is null : other.Value is not null && Value.AsSpan().SequenceEqual(other.Value));

    public override int GetHashCode() => HashCode.Combine(Column, TimestampMicros, Value?.Length ?? -1);
}
