namespace RingStore.Gossip.Ring;

/// <summary>
/// Ownership math. "Replicated ownership" of a node is the fraction of the ring it holds a replica of under a
/// strategy (Cassandra's "effective ownership"): summed over nodes it equals the effective replication factor.
/// </summary>
public static class Ownership
{
    /// <summary>Replicated ownership per node index of the ring's topology, each in [0, 1].</summary>
    public static double[] ReplicatedByIndex(IRingView ring, IReplicationStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(strategy);
        var owned = new double[ring.Topology.NodeCount];
        int count = ring.VnodeCount;
        var replicas = new List<int>(strategy.TotalReplicationFactor);
        for (int i = 0; i < count; i++)
        {
            double width = RangeFraction(ring, i);
            replicas.Clear();
            strategy.CollectReplicas(ring, i, replicas);
            foreach (int r in replicas)
            {
                owned[r] += width;
            }
        }
        return owned;
    }

    /// <summary>Replicated ownership keyed by endpoint: what `ringstore status` prints as "owns (effective)".</summary>
    public static IReadOnlyDictionary<string, double> Replicated(RingSnapshot ring, IReplicationStrategy strategy)
    {
        double[] owned = ReplicatedByIndex(ring, strategy);
        return ring.Topology.Nodes.Select((n, i) => (n.Endpoint, owned[i]))
            .ToDictionary(p => p.Endpoint, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Primary (RF=1) ownership per endpoint: the sum of the node's own vnode ranges.</summary>
    public static IReadOnlyDictionary<string, double> Primary(RingSnapshot ring) => Replicated(ring, new SimpleStrategy(1));

    /// <summary>Width of vnode i's range (token[i-1], token[i]] as a ring fraction; a one-token ring is the whole ring.</summary>
    internal static double RangeFraction(IRingView ring, int i)
    {
        int count = ring.VnodeCount;
        if (count == 1)
        {
            return 1.0;
        }
        long previous = ring.TokenAt(i == 0 ? count - 1 : i - 1).Value;
        ulong width = unchecked((ulong)(ring.TokenAt(i).Value - previous));
        return width / 18446744073709551616.0;
    }

    /// <summary>max/min of the values among nodes of one datacenter (the balance figure the allocator targets).</summary>
    public static double MaxOverMin(IEnumerable<double> values)
    {
        double max = double.MinValue, min = double.MaxValue;
        foreach (double v in values)
        {
            max = Math.Max(max, v);
            min = Math.Min(min, v);
        }
        return min <= 0 ? double.PositiveInfinity : max / min;
    }
}
