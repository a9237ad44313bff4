using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>Chooses the vnode tokens of a node about to join a ring.</summary>
public interface ITokenAllocator
{
    /// <summary>Returns <paramref name="numTokens"/> distinct tokens not already in <paramref name="ring"/>.</summary>
    IReadOnlyList<Token> Allocate(RingSnapshot ring, NodeInfo joining, int numTokens);
}
