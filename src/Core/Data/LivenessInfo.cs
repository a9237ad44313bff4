namespace RingStore.Core.Data;

/// <summary>
/// The row marker an INSERT writes: it keeps a row visible even when all its regular columns are
/// null. <see cref="TimestampMicros"/> long.MinValue means "no marker" (UPDATE writes none).
/// </summary>
public readonly record struct LivenessInfo(long TimestampMicros, int TtlSeconds, int ExpiresAtSeconds)
{
    public static readonly LivenessInfo None = new(long.MinValue, 0, int.MaxValue);

    public bool IsEmpty => TimestampMicros == long.MinValue;

    public static LivenessInfo At(long timestampMicros) => new(timestampMicros, 0, int.MaxValue);

    public static LivenessInfo Expiring(long timestampMicros, int ttlSeconds, int nowSeconds) =>
        new(timestampMicros, ttlSeconds, Cell.AddSaturating(nowSeconds, ttlSeconds));

    public bool IsLiveAt(int nowSeconds) => !IsEmpty && (TtlSeconds == 0 || nowSeconds < ExpiresAtSeconds);
}
