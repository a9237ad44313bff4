namespace RingStore.Gossip.Ring;

/// <summary>
/// Cassandra's NetworkTopologyStrategy: a replication factor per datacenter. Walking clockwise, each
/// datacenter takes nodes on racks it has not used yet; a node on an already used rack is taken only while the
/// datacenter still needs more replicas than it has distinct racks (RF - racks "acceptable repeats"),
/// so replicas spread over as many racks as possible and losing a rack loses as few replicas as possible.
/// </summary>
public sealed class NetworkTopologyStrategy : IReplicationStrategy
{
    private readonly KeyValuePair<string, int>[] _factors;

    public NetworkTopologyStrategy(IReadOnlyDictionary<string, int> replicationFactorByDatacenter)
    {
        ArgumentNullException.ThrowIfNull(replicationFactorByDatacenter);
        foreach (var (dc, rf) in replicationFactorByDatacenter)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(rf, dc);
        }
        // Sorted so two strategies built from the same map walk identically.
        _factors = [.. replicationFactorByDatacenter.OrderBy(p => p.Key, StringComparer.Ordinal)];
        TotalReplicationFactor = _factors.Sum(p => p.Value);
    }

    public IReadOnlyList<KeyValuePair<string, int>> ReplicationFactors => _factors;

    public int TotalReplicationFactor { get; }

    public int CollectReplicas(IRingView ring, int startVnode, List<int> replicas)
    {
        Topology topology = ring.Topology;
        int dcCount = topology.DatacenterNames.Count;
        Span<int> replicasLeft = dcCount <= 16 ? stackalloc int[dcCount] : new int[dcCount];
        Span<int> rackRepeatsLeft = dcCount <= 16 ? stackalloc int[dcCount] : new int[dcCount];
        int datacentersLeft = 0;
        foreach (var (dcName, rf) in _factors)
        {
            int dc = topology.DatacenterId(dcName);
            if (dc < 0 || rf == 0)
            {
                continue; // a datacenter with no nodes yet cannot hold replicas
            }
            replicasLeft[dc] = Math.Min(rf, topology.NodesIn(dc));
            rackRepeatsLeft[dc] = rf - topology.RacksIn(dc);
            datacentersLeft++;
        }

        int count = ring.VnodeCount;
        int steps = 0;
        int index = startVnode;
        while (datacentersLeft > 0 && steps < count)
        {
            int node = ring.OwnerAt(index);
            int dc = topology.DatacenterOf(node);
            steps++;
            index = index + 1 == count ? 0 : index + 1;
            if (replicasLeft[dc] <= 0 || replicas.Contains(node))
            {
                continue;
            }
            int rack = topology.RackOf(node);
            if (RackUsed(topology, replicas, rack))
            {
                if (rackRepeatsLeft[dc] <= 0)
                {
                    continue; // distinct racks remain to be found: do not spend a replica on a repeat
                }
                rackRepeatsLeft[dc]--;
            }
            replicas.Add(node);
            if (--replicasLeft[dc] == 0)
            {
                datacentersLeft--;
            }
        }
        return steps;
    }

    private static bool RackUsed(Topology topology, List<int> replicas, int rack)
    {
        foreach (int r in replicas)
        {
            if (topology.RackOf(r) == rack)
            {
                return true;
            }
        }
        return false;
    }
}
