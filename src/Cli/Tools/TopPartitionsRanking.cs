using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary>
/// Combines every node's top-partition sketches into one cluster-wide ranking: the same partition seen by several
/// replicas has its counts (and error bounds) summed. Pure, so the command's arithmetic is testable offline.
/// </summary>
public static class TopPartitionsRanking
{
    /// <summary>
    /// <paramref name="Significant"/>: every node that reported it was sure of it (its count - error beat every partition
    /// it did not list), and count - error exceeds the next candidate's count here: the entry is surely among the top.
    /// </summary>
    public sealed record Ranked(string Table, string Partition, long Count, long Error, bool Significant = false);

    public static IReadOnlyList<Ranked> ClusterWide(IEnumerable<TopPartition> entries, string kind, int top)
    {
        var all = entries.Where(e => e.Kind == kind)
            .GroupBy(e => (e.Table, Key: Describe(e)))
            .Select(g => (Ranked: new Ranked(g.Key.Table, g.Key.Key, g.Sum(e => e.Count), g.Sum(e => e.Error)), Sure: g.All(e => e.Guaranteed)))
            .OrderByDescending(r => r.Ranked.Count).ThenBy(r => r.Ranked.Partition, StringComparer.Ordinal)
            .ToList();
        long next = all.Count > top ? all[top].Ranked.Count : 0;
        return all.Take(top).Select(r => r.Ranked with { Significant = r.Sure && r.Ranked.Count - r.Ranked.Error > next }).ToList();
    }

    /// <summary>The line printed under a ranking: how many entries are sure, or that the list says nothing.</summary>
    public static string Verdict(IReadOnlyList<Ranked> ranking)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        if (ranking.Count == 0) return "  (no partitions recorded)";
        int sure = ranking.Count(r => r.Significant);
        return sure == 0
            ? "  not significant: no count exceeds its error plus the next candidates' counts (the partitions are about equally hot, or too few requests were seen)"
            : $"  * = surely among the top (count - error above every other candidate); {sure} of {ranking.Count}";
    }

    /// <summary>The decoded key ("42, 2026-11") when the node knew the table, else its hex bytes.</summary>
    public static string Describe(TopPartition entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.PartitionKey.Length > 0 ? entry.PartitionKey : "0x" + entry.PartitionKeyHex.ToLowerInvariant();
    }
}
