using System.Globalization;
using RingStore.Client.Protos;

namespace RingStore.Bench.HotPartition;

/// <summary>
/// The hottest partitions of one table as the cluster itself sees them: every node's sketch entries, and the
/// cluster-wide ranking (counts summed over the replicas that saw the key). Pure.
/// </summary>
public static class TopPartitionsView
{
    public static IReadOnlyList<HotPartitionEntry> PerNode(IReadOnlyList<(string Node, NodeMetrics? Metrics)> nodes, string tableFullName)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return [.. nodes.SelectMany(n => (n.Metrics?.TopPartitions ?? []).Where(t => t.Table == tableFullName)
            .Select(t => new HotPartitionEntry(n.Node, t.Kind, t.PartitionKey.Length > 0 ? t.PartitionKey : t.PartitionKeyHex, t.Count, t.Error)))];
    }

    /// <summary>Per kind, keys ranked by the sum of their counts over the nodes; at most <paramref name="top"/> per kind.</summary>
    public static IReadOnlyList<HotPartitionEntry> ClusterWide(IReadOnlyList<HotPartitionEntry> perNode, int top)
    {
        ArgumentNullException.ThrowIfNull(perNode);
        return [.. perNode.GroupBy(e => e.Kind, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(kind => kind.GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
                .Select(g => new HotPartitionEntry("cluster", kind.Key, g.Key, g.Sum(e => e.Count), g.Sum(e => e.Error)))
                .OrderByDescending(e => e.Count).ThenBy(e => e.PartitionKey, StringComparer.Ordinal)
                .Take(top))];
    }

    /// <summary>
    /// The ids (first key column, "42, 2026-11-23T18:04:00, 0") of the hottest partitions by writes and reads
    /// together, hottest first: what the mitigation salts.
    /// </summary>
    public static IReadOnlyList<long> HottestIds(IReadOnlyList<HotPartitionEntry> clusterWide, int count)
    {
        ArgumentNullException.ThrowIfNull(clusterWide);
        return [.. clusterWide
            .Select(e => (Id: ParseId(e.PartitionKey), e.Count))
            .Where(e => e.Id is not null)
            .GroupBy(e => e.Id!.Value)
            .Select(g => (Id: g.Key, Count: g.Sum(e => e.Count)))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Id)
            .Take(count)
            .Select(e => e.Id)];
    }

    private static long? ParseId(string partitionKey)
    {
        string first = partitionKey.Split(',', 2)[0].Trim();
        return long.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out long id) ? id : null;
    }
}
