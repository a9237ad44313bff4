namespace RingStore.Gossip.Ring;

/// <summary>
/// Cassandra's SimpleStrategy: the first <see cref="ReplicationFactor"/> distinct nodes met walking
/// clockwise from the token, ignoring datacenters and racks.
/// </summary>
public sealed record SimpleStrategy : IReplicationStrategy
{
    public SimpleStrategy(int replicationFactor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ReplicationFactor = replicationFactor;
    }

    public int ReplicationFactor { get; }

    public int TotalReplicationFactor => ReplicationFactor;

    public int CollectReplicas(IRingView ring, int startVnode, List<int> replicas)
    {
        int count = ring.VnodeCount;
        int wanted = Math.Min(ReplicationFactor, ring.Topology.NodeCount);
        int steps = 0;
        int index = startVnode;
        while (replicas.Count < wanted && steps < count)
        {
            int owner = ring.OwnerAt(index);
            if (!replicas.Contains(owner))
            {
                replicas.Add(owner);
            }
            steps++;
            index = index + 1 == count ? 0 : index + 1;
        }
        return steps;
    }
}
