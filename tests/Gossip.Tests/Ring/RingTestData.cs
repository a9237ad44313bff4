using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;

namespace RingStore.Gossip.Tests.Ring;

internal static class RingTestData
{
    public static RingMember Member(string endpoint, params long[] tokens) =>
        new(new NodeInfo(endpoint), [.. tokens.Select(t => new Token(t))]);

    public static RingMember Member(string endpoint, string dc, string rack, params long[] tokens) =>
        new(new NodeInfo(endpoint, dc, rack), [.. tokens.Select(t => new Token(t))]);

    public static string[] Endpoints(IEnumerable<NodeInfo> nodes) => [.. nodes.Select(n => n.Endpoint)];

    /// <summary>Grows a ring node by node with the allocator, as a real cluster bootstraps.</summary>
    public static RingSnapshot Grow(ITokenAllocator allocator, int nodes, int numTokens, Func<int, NodeInfo>? node = null)
    {
        RingSnapshot ring = RingSnapshot.Empty;
        for (int i = 0; i < nodes; i++)
        {
            NodeInfo info = node?.Invoke(i) ?? new NodeInfo($"10.0.0.{i}");
            ring = ring.WithMember(new RingMember(info, allocator.Allocate(ring, info, numTokens)));
        }
        return ring;
    }
}
