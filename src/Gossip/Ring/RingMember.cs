using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>A node together with the vnode tokens it owns (or will own, for a joining node).</summary>
public sealed record RingMember(NodeInfo Node, IReadOnlyList<Token> Tokens);
