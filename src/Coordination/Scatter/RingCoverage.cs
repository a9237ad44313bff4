namespace RingStore.Coordination.Scatter;

/// <summary>
/// The completeness signal's arithmetic: how much of a queried token span a partial answer covered. Widths are
/// summed exactly (UInt128: 2^64 ranges of width up to 2^64 cannot overflow) and divided once at the end, so the
/// fraction is 1 exactly when nothing is missing and 0 exactly when everything is.
/// </summary>
public static class RingCoverage
{
    /// <summary>The fraction of <paramref name="span"/> not in <paramref name="missing"/> (disjoint sub-ranges of it).</summary>
    public static double Covered(ScatterRange span, IEnumerable<ScatterRange> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        UInt128 total = span.Width;
        if (total == 0) return 1.0;
        UInt128 lost = 0;
        foreach (var m in missing) lost += m.Width;
        if (lost >= total) return 0.0;
        if (lost == 0) return 1.0;
        return (double)(total - lost) / (double)total;
    }

    /// <summary>Adjacent missing ranges joined, so a client sees (a, c] rather than (a, b] and (b, c].</summary>
    public static IReadOnlyList<(long StartExclusive, long EndInclusive)> Coalesce(IEnumerable<ScatterRange> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        var result = new List<(long, long)>();
        foreach (var m in missing.Where(m => m.Width > 0).OrderBy(m => m.StartExclusive))
        {
            if (result.Count > 0 && result[^1].Item2 == m.StartExclusive) result[^1] = (result[^1].Item1, m.EndInclusive);
            else result.Add((m.StartExclusive, m.EndInclusive));
        }
        return result;
    }
}
