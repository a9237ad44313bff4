using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// A view of a ring as if one token were inserted at <c>index</c>, without copying it, so the balanced
/// allocator can score dozens of candidate tokens per step cheaply.
/// </summary>
internal sealed class RingWithOneMoreToken(IRingView inner, int index, long token, int owner) : IRingView
{
    public Topology Topology => inner.Topology;

    public int VnodeCount => inner.VnodeCount + 1;

    public Token TokenAt(int vnodeIndex) =>
        vnodeIndex < index ? inner.TokenAt(vnodeIndex) : vnodeIndex == index ? new Token(token) : inner.TokenAt(vnodeIndex - 1);

    public int OwnerAt(int vnodeIndex) =>
        vnodeIndex < index ? inner.OwnerAt(vnodeIndex) : vnodeIndex == index ? owner : inner.OwnerAt(vnodeIndex - 1);
}
