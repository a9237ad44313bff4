using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// What must stream for a topology change: every piece of the ring whose future replica set has a node the
/// current one lacks, with the nodes that lose it and those that keep it. Works for joins, leaves, removals and
/// replacements alike, since each is just "current ring -> future ring". Pure.
/// </summary>
public static class RangeMovements
{
    public static IReadOnlyList<RangeMovement> Compute(RingSnapshot current, RingSnapshot future, IReplicationStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(future);
        ArgumentNullException.ThrowIfNull(strategy);
        if (future.IsEmpty || current.IsEmpty) return [];
        var now = new ReplicaPlacement(current, strategy);
        var then = new ReplicaPlacement(future, strategy);
        // Every token of either ring bounds a piece whose replica sets are constant in both rings.
        long[] bounds = [.. Enumerable.Range(0, current.VnodeCount).Select(i => current.TokenAt(i).Value)
            .Concat(Enumerable.Range(0, future.VnodeCount).Select(i => future.TokenAt(i).Value))
            .Distinct().Order()];
        var result = new List<RangeMovement>();
        for (int k = 0; k < bounds.Length; k++)
        {
            var right = new Token(bounds[k]);
            var left = new Token(bounds[k == 0 ? bounds.Length - 1 : k - 1]);
            var currentSet = Endpoints(current, now.ReplicaIndexesFor(right));
            var futureSet = Endpoints(future, then.ReplicaIndexesFor(right));
            var gained = futureSet.Where(e => !currentSet.Contains(e)).ToList();
            if (gained.Count == 0) continue;
            var losing = currentSet.Where(e => !futureSet.Contains(e)).ToList();
            var remaining = currentSet.Where(futureSet.Contains).ToList();
            foreach (string target in gained)
            {
                var range = new TokenRange(left, right);
                // Adjacent pieces with the same target and sources travel as one range.
                if (result.Count > 0 && result[^1] is { } last && last.Target == target && last.Range.Right == left
                    && last.Losing.SequenceEqual(losing) && last.Remaining.SequenceEqual(remaining))
                {
                    result[^1] = last with { Range = new TokenRange(last.Range.Left, right) };
                }
                else
                {
                    result.Add(new RangeMovement(range, target, losing, remaining));
                }
            }
        }
        return result;
    }

    private static List<string> Endpoints(RingSnapshot ring, ReadOnlySpan<int> replicas)
    {
        var list = new List<string>(replicas.Length);
        foreach (int r in replicas) list.Add(ring.Topology.Nodes[r].Endpoint);
        return list;
    }
}
