using RingStore.Core.Partitioning;

namespace RingStore.Storage.Engine;

/// <summary>Which requested range, if any, holds every partition of an SSTable. Pure.</summary>
public static class EntireSSTableSelection
{
    /// <summary>
    /// The index of the non-wrapping range (start, end] holding both <paramref name="minToken"/> and
    /// <paramref name="maxToken"/> (then every token of the SSTable, which lie between them), or -1.
    /// </summary>
    public static int RangeHolding(Token minToken, Token maxToken, IReadOnlyList<(Token StartExclusive, Token EndInclusive)> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        for (int i = 0; i < ranges.Count; i++)
        {
            var (start, end) = ranges[i];
            if (start < end && start < minToken && maxToken <= end) return i;
        }
        return -1;
    }
}
