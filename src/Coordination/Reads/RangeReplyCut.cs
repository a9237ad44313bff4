using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// How a range-read coordinator combines replica replies that stopped at different points: each truncated reply says
/// nothing past its resume position, so only what lies at or before the earliest one is merged (every replica spoke
/// about all of it), and the next request starts after it. Positions order by token, then partition key (a position
/// without a key lies after every partition of its token), then clustering (none: after the whole partition). Pure.
/// </summary>
public static class RangeReplyCut
{
    public static int Compare(RangePosition a, RangePosition b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int c = a.Token.CompareTo(b.Token);
        if (c != 0) return c;
        if (a.Key is null || b.Key is null) return (a.Key is null ? 1 : 0) - (b.Key is null ? 1 : 0);
        c = a.Key.AsSpan().SequenceCompareTo(b.Key);
        if (c != 0) return c;
        if (a.Clustering is null || b.Clustering is null) return (a.Clustering is null ? 1 : 0) - (b.Clustering is null ? 1 : 0);
        return a.Clustering.AsSpan().SequenceCompareTo(b.Clustering);
    }

    /// <summary>The earliest of the replies' resume positions; null when every reply covered the whole request.</summary>
    public static RangePosition? Earliest(IEnumerable<RangePosition?> resumes)
    {
        ArgumentNullException.ThrowIfNull(resumes);
        RangePosition? earliest = null;
        foreach (var r in resumes)
            if (r is not null && (earliest is null || Compare(r, earliest) < 0)) earliest = r;
        return earliest;
    }

    /// <summary>What of one reply lies at or before <paramref name="cut"/> (all of it when the cut is null).</summary>
    public static List<MergedPartitionData> Trim(IReadOnlyList<MergedPartitionData> partitions, RangePosition? cut)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var kept = new List<MergedPartitionData>(partitions.Count);
        foreach (var p in partitions)
        {
            int c = cut is null ? -1 : cut.ComparePartition(p.Token, p.Key);
            if (c > 0) break; // replies are in (token, key) order
            if (c < 0 || cut!.Clustering is null)
            {
                kept.Add(p);
                continue;
            }
            var clustering = cut.Clustering;
            kept.Add(p with { Rows = p.Rows.Where(r => ByteArrayOrder(r.Clustering, clustering) <= 0).ToList() });
        }
        return kept;
    }

    private static int ByteArrayOrder(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
}
