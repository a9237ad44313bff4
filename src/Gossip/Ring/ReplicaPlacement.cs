using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Replicas of every vnode for one ring and one strategy, computed once so the coordinator's per-request
/// lookup is a binary search plus a slice: O(log V). Immutable; rebuild when the ring snapshot changes.
/// </summary>
public sealed class ReplicaPlacement
{
    private readonly int[] _offsets; // vnode i's replicas are _replicas[_offsets[i] .. _offsets[i+1])
    private readonly int[] _replicas;

    public ReplicaPlacement(RingSnapshot ring, IReplicationStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(strategy);
        Ring = ring;
        Strategy = strategy;
        int count = ring.VnodeCount;
        _offsets = new int[count + 1];
        var all = new List<int>(count * Math.Max(1, strategy.TotalReplicationFactor));
        var scratch = new List<int>(strategy.TotalReplicationFactor);
        for (int i = 0; i < count; i++)
        {
            scratch.Clear();
            strategy.CollectReplicas(ring, i, scratch);
            all.AddRange(scratch);
            _offsets[i + 1] = all.Count;
        }
        _replicas = [.. all];
    }

    public RingSnapshot Ring { get; }

    public IReplicationStrategy Strategy { get; }

    /// <summary>Node indexes (into <see cref="RingSnapshot.Topology"/>) replicating vnode i, primary first.</summary>
    public ReadOnlySpan<int> ReplicasOfVnode(int vnodeIndex) =>
        _replicas.AsSpan(_offsets[vnodeIndex], _offsets[vnodeIndex + 1] - _offsets[vnodeIndex]);

    public ReadOnlySpan<int> ReplicaIndexesFor(Token token) =>
        Ring.IsEmpty ? [] : ReplicasOfVnode(Ring.FindVnode(token));

    public IReadOnlyList<NodeInfo> GetReplicas(Token token)
    {
        ReadOnlySpan<int> indexes = ReplicaIndexesFor(token);
        var nodes = new NodeInfo[indexes.Length];
        for (int i = 0; i < indexes.Length; i++)
        {
            nodes[i] = Ring.Topology.Nodes[indexes[i]];
        }
        return nodes;
    }

    /// <summary>The ranges the endpoint replicates (adjacent vnodes are not merged).</summary>
    public IReadOnlyList<TokenRange> RangesReplicatedBy(string endpoint)
    {
        int node = Ring.Topology.IndexOf(endpoint);
        var ranges = new List<TokenRange>();
        if (node < 0)
        {
            return ranges;
        }
        for (int i = 0; i < Ring.VnodeCount; i++)
        {
            if (ReplicasOfVnode(i).Contains(node))
            {
                ranges.Add(Ring.RangeAt(i));
            }
        }
        return ranges;
    }
}
