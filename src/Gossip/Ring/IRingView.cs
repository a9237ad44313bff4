using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Read access to a sorted token ring: vnode i covers (token[i-1], token[i]] and is owned by OwnerAt(i).
/// Both the immutable <see cref="RingSnapshot"/> and the allocator's scratch ring implement it, so the
/// replication strategies have one walking implementation.
/// </summary>
public interface IRingView
{
    Topology Topology { get; }

    int VnodeCount { get; }

    Token TokenAt(int vnodeIndex);

    int OwnerAt(int vnodeIndex);
}
