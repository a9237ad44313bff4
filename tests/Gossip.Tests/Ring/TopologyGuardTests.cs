using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using static RingStore.Gossip.Tests.Ring.RingTestData;

namespace RingStore.Gossip.Tests.Ring;

public class TopologyGuardTests
{
    private static ResolvedMember Resolved(string endpoint, MemberRole role, int host) =>
        new(new NodeInfo(endpoint), new Guid(host, 0, 0, new byte[8]), [new Token(host * 1_000L)], role);

    [Theory]
    [InlineData(MemberRole.Joining, "joining")]
    [InlineData(MemberRole.Leaving, "leaving")]
    [InlineData(MemberRole.Removing, "being removed")]
    [InlineData(MemberRole.BeingReplaced, "being replaced")]
    public void Refuses_while_a_member_is_moving_and_names_it(MemberRole role, string what)
    {
        ResolvedMember[] members =
        [
            Resolved("10.0.0.1", MemberRole.Normal, 1),
            Resolved("10.0.0.2", MemberRole.Out, 2),
            Resolved("10.0.0.3", role, 3),
            Resolved("10.0.0.4", MemberRole.Normal, 4),
        ];
        string? reason = TopologyGuard.OperationInProgress(members);
        Assert.NotNull(reason);
        Assert.Contains("10.0.0.3", reason, StringComparison.Ordinal);
        Assert.Contains(members[2].HostId.ToString(), reason, StringComparison.Ordinal);
        Assert.Contains(what, reason, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.1", reason, StringComparison.Ordinal);
        // The node asking is allowed to be the one in flight (it resumes its own operation).
        Assert.Null(TopologyGuard.OperationInProgress(members, exceptEndpoint: "10.0.0.3"));
    }

    [Fact]
    public void Passes_when_every_member_is_normal_or_out()
    {
        Assert.Null(TopologyGuard.OperationInProgress([Resolved("a", MemberRole.Normal, 1), Resolved("b", MemberRole.Out, 2), Resolved("c", MemberRole.Normal, 3)]));
        Assert.Null(TopologyGuard.OperationInProgress([]));
    }

    [Fact]
    public void Insufficient_replicas_with_SimpleStrategy()
    {
        var rf3 = new SimpleStrategy(3);
        RingSnapshot two = RingSnapshot.Create([Member("a", -100, 500), Member("b", 0, 900)]);
        string? reason = TopologyGuard.InsufficientReplicas(two, rf3, "ks1");
        Assert.NotNull(reason);
        Assert.Contains("ks1", reason, StringComparison.Ordinal);
        Assert.Contains("3", reason, StringComparison.Ordinal);
        Assert.Contains("2", reason, StringComparison.Ordinal);
        Assert.Null(TopologyGuard.InsufficientReplicas(two.WithMember(Member("c", 200)), rf3, "ks1"));
        Assert.Null(TopologyGuard.InsufficientReplicas(two, new SimpleStrategy(2), "ks1"));
        Assert.NotNull(TopologyGuard.InsufficientReplicas(RingSnapshot.Empty, new SimpleStrategy(1), "ks1"));
    }

    [Fact]
    public void Insufficient_replicas_per_datacenter_with_NetworkTopologyStrategy()
    {
        var nts = new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 2, ["dc2"] = 2 });
        // Five nodes, enough in total, but dc2 would keep one.
        RingSnapshot ring = RingSnapshot.Create(
        [
            Member("a", "dc1", "r1", -900), Member("b", "dc1", "r2", -300), Member("c", "dc1", "r1", 300), Member("d", "dc1", "r2", 600),
            Member("e", "dc2", "r1", 0),
        ]);
        Assert.NotNull(TopologyGuard.InsufficientReplicas(ring, nts, "ks"));
        Assert.Null(TopologyGuard.InsufficientReplicas(ring.WithMember(Member("f", "dc2", "r2", 800)), nts, "ks"));
        // A datacenter named by the strategy with no node at all.
        Assert.NotNull(TopologyGuard.InsufficientReplicas(ring.WithoutMember("e"), nts, "ks"));
    }
}
