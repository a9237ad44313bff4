using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>One gossiped endpoint as the ring sees it. <see cref="Reason"/> says why an Out member is out.</summary>
public sealed record ResolvedMember(NodeInfo Node, Guid HostId, IReadOnlyList<Token> Tokens, MemberRole Role, string? Reason = null)
{
    public string Endpoint => Node.Endpoint;

    /// <summary>The state nodetool would show: NORMAL, BOOT, LEAVING, REMOVING, LEFT, REMOVED, ...</summary>
    public string DisplayStatus { get; init; } = "";
}
