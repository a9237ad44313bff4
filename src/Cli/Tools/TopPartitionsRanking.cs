using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary>
/// Combines every node's top-partition sketches into one cluster-wide ranking: the same partition seen by several
/// replicas has its counts (and error bounds) summed. Pure, so the command's arithmetic is testable offline.
/// </summary>
public static class TopPartitionsRanking
{
    public sealed record Ranked(string Table, string Partition, long Count, long Error);

    public static IReadOnlyList<Ranked> ClusterWide(IEnumerable<TopPartition> entries, string kind, int top) =>
        entries.Where(e => e.Kind == kind)
            .GroupBy(e => (e.Table, Key: Describe(e)))
            .Select(g => new Ranked(g.Key.Table, g.Key.Key, g.Sum(e => e.Count), g.Sum(e => e.Error)))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Partition, StringComparer.Ordinal)
            .Take(top)
            .ToList();

    /// <summary>The decoded key ("42, 2026-11") when the node knew the table, else its hex bytes.</summary>
    public static string Describe(TopPartition entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.PartitionKey.Length > 0 ? entry.PartitionKey : "0x" + entry.PartitionKeyHex.ToLowerInvariant();
    }
}
