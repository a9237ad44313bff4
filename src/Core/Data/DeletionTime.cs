namespace RingStore.Core.Data;

/// <summary>
/// When something was deleted: the write timestamp of the delete (microseconds) and the local
/// wall-clock second it happened (used for gc_grace_seconds). A deletion shadows every cell whose
/// timestamp is less than or equal to <see cref="MarkedForDeleteAtMicros"/>.
/// </summary>
public readonly record struct DeletionTime(long MarkedForDeleteAtMicros, int LocalDeletionTimeSeconds)
{
    public static readonly DeletionTime Live = new(long.MinValue, int.MaxValue);

    public bool IsLive => MarkedForDeleteAtMicros == long.MinValue;

    public bool Shadows(long timestampMicros) => timestampMicros <= MarkedForDeleteAtMicros;

    /// <summary>The deletion that shadows more (higher timestamp; ties broken by later local time).</summary>
    public static DeletionTime Max(DeletionTime a, DeletionTime b)
    {
        if (a.MarkedForDeleteAtMicros != b.MarkedForDeleteAtMicros)
            return a.MarkedForDeleteAtMicros > b.MarkedForDeleteAtMicros ? a : b;
        return a.LocalDeletionTimeSeconds >= b.LocalDeletionTimeSeconds ? a : b;
    }
}
