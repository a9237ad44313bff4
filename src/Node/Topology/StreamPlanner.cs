using RingStore.Gossip.Ring;
using RingStore.Node.Streaming;

namespace RingStore.Node.Topology;

/// <summary>Which node streams what to whom: one task per (source, target), its items non-wrapping ranges of tables.</summary>
public sealed record StreamTask(string Source, string Target, IReadOnlyList<StreamItem> Items);

/// <summary>How a movement's source is chosen.</summary>
public enum SourcePolicy
{
    /// <summary>The replica that loses the range (joins and leaves): a write acknowledged before the change is never left behind.</summary>
    LosingReplica,
    /// <summary>The losing replica if it is alive, else a live replica that keeps the range (--allow-inconsistent-bootstrap).</summary>
    LosingReplicaOrAny,
    /// <summary>A live replica that keeps the range (removenode, replace: the losing node is dead).</summary>
    RemainingReplica,
}

/// <summary>
/// Turns ring movements into stream tasks. Pure: the rings, liveness and the tables of each keyspace come in; a
/// movement with no usable live source is a refusal naming the range, never a silently skipped range.
/// </summary>
public static class StreamPlanner
{
    public static IReadOnlyList<StreamTask> Plan(
        IEnumerable<(IReplicationStrategy Strategy, IReadOnlyList<string> Tables, ClusterSnapshot Cluster)> keyspaces,
        Func<string, bool> isAlive, SourcePolicy policy, Func<string, bool> targetFilter)
    {
        ArgumentNullException.ThrowIfNull(keyspaces);
        ArgumentNullException.ThrowIfNull(isAlive);
        ArgumentNullException.ThrowIfNull(targetFilter);
        var byPair = new Dictionary<(string Source, string Target), List<StreamItem>>();
        foreach (var (strategy, tables, cluster) in keyspaces)
        {
            if (tables.Count == 0) continue;
            foreach (RangeMovement move in RangeMovements.Compute(cluster.Ring, cluster.FutureRing(), strategy))
            {
                if (!targetFilter(move.Target)) continue;
                string source = ChooseSource(move, isAlive, policy);
                if (!byPair.TryGetValue((source, move.Target), out var items)) byPair[(source, move.Target)] = items = [];
                foreach (TokenRange piece in move.Range.Unwrap())
                {
                    foreach (string table in tables) items.Add(new StreamItem(table, piece.Left.Value, piece.Right.Value));
                }
            }
        }
        return [.. byPair.OrderBy(p => p.Key.Target, StringComparer.Ordinal).ThenBy(p => p.Key.Source, StringComparer.Ordinal)
            .Select(p => new StreamTask(p.Key.Source, p.Key.Target, p.Value.Distinct().ToList()))];
    }

    public static string ChooseSource(RangeMovement move, Func<string, bool> isAlive, SourcePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(move);
        string? losing = move.Losing.FirstOrDefault(isAlive);
        var remaining = move.Remaining.Where(isAlive).ToList();
        // Spread removenode/replace load over the surviving replicas, deterministically per range.
        string? anyRemaining = remaining.Count == 0 ? null : remaining[(int)((ulong)move.Range.Right.Value % (ulong)remaining.Count)];
        string? chosen = policy switch
        {
            SourcePolicy.LosingReplica => losing,
            SourcePolicy.LosingReplicaOrAny => losing ?? anyRemaining,
            _ => anyRemaining ?? losing,
        };
        return chosen ?? throw new TopologyRefusedException(policy == SourcePolicy.LosingReplica && move.Losing.Count > 0
            ? $"range {move.Range} must stream from {string.Join(", ", move.Losing)}, which is down; bring it up, or start with " +
              "--allow-inconsistent-bootstrap true to stream from another replica (a write only that node acknowledged may then be missing)"
            : $"no live replica holds range {move.Range} (replicas: {string.Join(", ", move.Losing.Concat(move.Remaining))})");
    }
}
