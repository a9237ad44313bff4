using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>
/// Orders slice bounds by where they fall among clustering keys (memcmp order). A bound is a position just before
/// every key that is &gt;= its prefix ("before P": inclusive start, exclusive end) or just after every key that starts
/// with its prefix ("after P": exclusive start, inclusive end); an empty prefix is the very start (as a start) or the
/// very end (as an end). If position(a) &lt;= position(b) then any key a start bound b admits, a admits too (and the
/// mirror for ends): what lets <see cref="RangeTombstoneSweep"/> open and close tombstones in order.
/// </summary>
internal static class BoundOrder
{
    public static int CompareStarts(ClusteringBound a, ClusteringBound b) =>
        Compare(a.Prefix, a.IsUnbounded ? Side.Before : a.Inclusive ? Side.Before : Side.After,
            b.Prefix, b.IsUnbounded ? Side.Before : b.Inclusive ? Side.Before : Side.After);

    public static int CompareEnds(ClusteringBound a, ClusteringBound b)
    {
        if (a.IsUnbounded || b.IsUnbounded) return (a.IsUnbounded ? 1 : 0) - (b.IsUnbounded ? 1 : 0);
        return Compare(a.Prefix, a.Inclusive ? Side.After : Side.Before, b.Prefix, b.Inclusive ? Side.After : Side.Before);
    }

    private enum Side { Before = 0, After = 1 }

    private static int Compare(byte[] a, Side sideA, byte[] b, Side sideB)
    {
        int m = Math.Min(a.Length, b.Length);
        int c = a.AsSpan(0, m).SequenceCompareTo(b.AsSpan(0, m));
        if (c != 0) return c;
        if (a.Length == b.Length) return sideA.CompareTo(sideB);
        // One prefix extends the other: "before" the shorter one comes first, "after" it comes last.
        if (a.Length < b.Length) return sideA == Side.Before ? -1 : 1;
        return sideB == Side.Before ? 1 : -1;
    }
}
