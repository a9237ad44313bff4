namespace RingStore.Gossip.Ring;

/// <summary>
/// Chooses the replicas of a vnode range by walking the ring clockwise from that vnode.
/// Implementations are immutable and pure.
/// </summary>
public interface IReplicationStrategy
{
    /// <summary>
    /// Appends the replica node indexes (in placement order, primary first) of the range ending at
    /// <paramref name="startVnode"/> to <paramref name="replicas"/> (which the caller clears).
    /// Returns how many vnodes the walk visited, so callers can tell which ranges a new token can affect.
    /// </summary>
    int CollectReplicas(IRingView ring, int startVnode, List<int> replicas);

    /// <summary>Replication factor summed over datacenters, as configured (not capped by node counts).</summary>
    int TotalReplicationFactor { get; }
}
