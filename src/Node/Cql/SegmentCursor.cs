namespace RingStore.Node.Cql;

/// <summary>
/// Where one partition of a merged IN + ORDER BY read stands between pages: <see cref="After"/> the last row taken from
/// it (null: not started), <see cref="Rows"/> rows taken so far (for PER PARTITION LIMIT), <see cref="Done"/> nothing
/// more to take.
/// </summary>
public sealed record SegmentCursor(byte[]? After, long Rows, bool Done)
{
    public static readonly SegmentCursor Start = new(null, 0, false);
}
