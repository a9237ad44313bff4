using RingStore.Core.Consistency;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// How many replica answers a consistency level needs ("blockFor"), as Cassandra counts them.
/// QUORUM is over the replication factor summed across datacenters; LOCAL_* only over the coordinator's
/// datacenter; EACH_QUORUM needs a quorum in every datacenter. Counts come from the configured RF, not from
/// how many nodes exist, so RF 3 on a 2-node cluster cannot do ALL (Unavailable rather than a silent downgrade).
/// </summary>
public static class ConsistencyMath
{
    public static int QuorumFor(int replicationFactor) => replicationFactor / 2 + 1;

    /// <summary>
    /// The RF of one datacenter. SimpleStrategy knows no datacenters: its whole RF counts as local, so
    /// LOCAL_QUORUM under SimpleStrategy is a quorum of its RF counted among local-DC replicas (Cassandra's rule).
    /// </summary>
    public static int ReplicationFactorIn(IReplicationStrategy strategy, string datacenter)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy is NetworkTopologyStrategy nts)
        {
            foreach (var (dc, rf) in nts.ReplicationFactors)
            {
                if (string.Equals(dc, datacenter, StringComparison.Ordinal))
                {
                    return rf;
                }
            }
            return 0;
        }
        return strategy.TotalReplicationFactor;
    }

    /// <summary>Levels that count only replicas of the coordinator's datacenter.</summary>
    public static bool IsDatacenterLocal(ConsistencyLevel level) =>
        level is ConsistencyLevel.LocalOne or ConsistencyLevel.LocalQuorum;

    /// <summary>
    /// EACH_QUORUM counts per datacenter only under NetworkTopologyStrategy; SimpleStrategy has no datacenters
    /// to count in, so there it means QUORUM.
    /// </summary>
    public static bool IsPerDatacenter(ConsistencyLevel level, IReplicationStrategy strategy) =>
        level == ConsistencyLevel.EachQuorum && strategy is NetworkTopologyStrategy;

    /// <summary>Answers needed for reads (and for writes before pending replicas are added).</summary>
    public static int BlockFor(ConsistencyLevel level, IReplicationStrategy strategy, string localDatacenter)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return level switch
        {
            ConsistencyLevel.Any or ConsistencyLevel.One or ConsistencyLevel.LocalOne => 1,
            ConsistencyLevel.Two => 2,
            ConsistencyLevel.Three => 3,
            ConsistencyLevel.Quorum => QuorumFor(strategy.TotalReplicationFactor),
            ConsistencyLevel.All => strategy.TotalReplicationFactor,
            ConsistencyLevel.LocalQuorum => QuorumFor(ReplicationFactorIn(strategy, localDatacenter)),
            ConsistencyLevel.EachQuorum => IsPerDatacenter(level, strategy)
                ? BlockForPerDatacenter(strategy).Values.Sum()
                : QuorumFor(strategy.TotalReplicationFactor),
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown consistency level."),
        };
    }

    /// <summary>EACH_QUORUM's quorum in every datacenter that has replicas (RF 0 datacenters need nothing).</summary>
    public static IReadOnlyDictionary<string, int> BlockForPerDatacenter(IReplicationStrategy strategy)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (strategy is NetworkTopologyStrategy nts)
        {
            foreach (var (dc, rf) in nts.ReplicationFactors)
            {
                if (rf > 0)
                {
                    result[dc] = QuorumFor(rf);
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Writes also wait for the pending replicas that count for the level (Cassandra's blockForWrite): a node
    /// joining the range must get the write too, or a quorum of the new owners could miss it after the move.
    /// ANY needs one ack or hint whatever is pending.
    /// </summary>
    public static int WriteBlockFor(ConsistencyLevel level, IReplicationStrategy strategy, string localDatacenter,
        IReadOnlyList<NodeInfo> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        int blockFor = BlockFor(level, strategy, localDatacenter);
        if (level == ConsistencyLevel.Any)
        {
            return blockFor;
        }
        return blockFor + (IsDatacenterLocal(level)
            ? pending.Count(p => string.Equals(p.Datacenter, localDatacenter, StringComparison.Ordinal))
            : pending.Count);
    }

    /// <summary>EACH_QUORUM write blockFor per datacenter: its quorum plus its pending replicas.</summary>
    public static IReadOnlyDictionary<string, int> WriteBlockForPerDatacenter(IReplicationStrategy strategy,
        IReadOnlyList<NodeInfo> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var result = new Dictionary<string, int>(BlockForPerDatacenter(strategy), StringComparer.Ordinal);
        foreach (var p in pending)
        {
            if (result.TryGetValue(p.Datacenter, out int n))
            {
                result[p.Datacenter] = n + 1;
            }
        }
        return result;
    }
}
