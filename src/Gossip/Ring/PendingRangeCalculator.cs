using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Computes pending ranges as Cassandra does in spirit: build the ring as it will be after every joining node
/// has joined and every leaving node has left, and for each piece of the ring, the replicas it will have
/// that it does not have now are pending. Works for any mix of simultaneous joins and leaves.
/// </summary>
public static class PendingRangeCalculator
{
    public static PendingRanges Calculate(
        RingSnapshot current,
        IReadOnlyCollection<RingMember> joining,
        IReadOnlyCollection<string> leaving,
        IReplicationStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(joining);
        ArgumentNullException.ThrowIfNull(leaving);
        if (joining.Count == 0 && leaving.Count == 0)
        {
            return PendingRanges.None;
        }
        var leavingSet = new HashSet<string>(leaving, StringComparer.Ordinal);
        var joiningSet = new HashSet<string>(joining.Select(j => j.Node.Endpoint), StringComparer.Ordinal);
        RingSnapshot future = RingSnapshot.Create(current.Members
            .Where(m => !leavingSet.Contains(m.Node.Endpoint) && !joiningSet.Contains(m.Node.Endpoint))
            .Concat(joining));
        if (future.IsEmpty)
        {
            return PendingRanges.None;
        }
        var now = new ReplicaPlacement(current, strategy);
        var then = new ReplicaPlacement(future, strategy);

        // Every token of either ring bounds a piece whose replica sets are constant in both rings.
        long[] bounds = [.. Enumerable.Range(0, current.VnodeCount).Select(i => current.TokenAt(i).Value)
            .Concat(Enumerable.Range(0, future.VnodeCount).Select(i => future.TokenAt(i).Value))
            .Distinct().Order()];
        var rights = new List<long>();
        var sets = new List<NodeInfo[]>();
        var scratch = new List<NodeInfo>();
        foreach (long bound in bounds)
        {
            var token = new Token(bound);
            scratch.Clear();
            ReadOnlySpan<int> currentReplicas = now.ReplicaIndexesFor(token);
            foreach (int r in then.ReplicaIndexesFor(token))
            {
                NodeInfo node = future.Topology.Nodes[r];
                if (!Contains(current, currentReplicas, node.Endpoint))
                {
                    scratch.Add(node);
                }
            }
            // Merge with the previous piece when the pending set is the same, keeping the structure small.
            if (sets.Count > 0 && SameEndpoints(sets[^1], scratch))
            {
                rights[^1] = bound;
            }
            else
            {
                rights.Add(bound);
                sets.Add([.. scratch]);
            }
        }
        // The first piece starts at the last bound, which is the largest: it wraps past long.MaxValue.
        return new PendingRanges([.. rights], [.. sets]);
    }

    private static bool Contains(RingSnapshot ring, ReadOnlySpan<int> replicas, string endpoint)
    {
        foreach (int r in replicas)
        {
            if (ring.Topology.Nodes[r].Endpoint == endpoint)
            {
                return true;
            }
        }
        return false;
    }

    private static bool SameEndpoints(NodeInfo[] a, List<NodeInfo> b) =>
        a.Length == b.Count && a.All(x => b.Any(y => y.Endpoint == x.Endpoint));
}
