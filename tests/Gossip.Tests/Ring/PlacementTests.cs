using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using static RingStore.Gossip.Tests.Ring.RingTestData;

namespace RingStore.Gossip.Tests.Ring;

public class PlacementTests
{
    // Hand-worked ring: 0(A) 50(B) 100(A) 150(C).
    private static readonly RingSnapshot Abc = RingSnapshot.Create([Member("A", 0, 100), Member("B", 50), Member("C", 150)]);

    [Theory]
    [InlineData(10, "B,A")]   // (0,50] -> B, then A at 100
    [InlineData(50, "B,A")]   // right bound is inclusive
    [InlineData(51, "A,C")]   // (50,100] -> A, then C
    [InlineData(120, "C,A")]  // (100,150] -> C, wraps to A at 0
    [InlineData(160, "A,B")]  // past the last token wraps to the first vnode
    [InlineData(long.MinValue + 1, "A,B")]
    public void SimpleStrategy_walks_clockwise_to_distinct_nodes(long token, string expected)
    {
        var strategy = new SimpleStrategy(2);
        Assert.Equal(expected.Split(','), Endpoints(Abc.GetNaturalReplicas(new Token(token), strategy)));
        Assert.Equal(expected.Split(','), Endpoints(new ReplicaPlacement(Abc, strategy).GetReplicas(new Token(token))));
    }

    [Fact]
    public void SimpleStrategy_skips_a_second_vnode_of_the_same_node()
    {
        // (-10 falls in (150, 0]: A, then B at 50, A again at 100 is skipped, then C.
        Assert.Equal(["A", "B", "C"], Endpoints(Abc.GetNaturalReplicas(new Token(-10), new SimpleStrategy(3))));
    }

    [Fact]
    public void Replication_factor_above_node_count_returns_every_node_once()
    {
        Assert.Equal(["B", "A", "C"], Endpoints(Abc.GetNaturalReplicas(new Token(10), new SimpleStrategy(5))));
    }

    // dc1: A r1 @0, B r1 @10, C r2 @20, D r2 @30; dc2: E r1 @5, F r1 @15.
    private static readonly RingSnapshot TwoDcs = RingSnapshot.Create([
        Member("A", "dc1", "r1", 0), Member("B", "dc1", "r1", 10), Member("C", "dc1", "r2", 20),
        Member("D", "dc1", "r2", 30), Member("E", "dc2", "r1", 5), Member("F", "dc2", "r1", 15)]);

    [Fact]
    public void NetworkTopologyStrategy_prefers_distinct_racks()
    {
        var nts = new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 2, ["dc2"] = 1 });
        // Walk from 0: A (dc1 r1), E (dc2), B skipped (r1 used, no repeats allowed), F skipped (dc2 done), C (dc1 r2).
        Assert.Equal(["A", "E", "C"], Endpoints(TwoDcs.GetNaturalReplicas(new Token(-5), nts)));
        // Walk from 20: C (r2), D skipped (r2), wrap A (r1); dc2: E.
        Assert.Equal(["C", "A", "E"], Endpoints(TwoDcs.GetNaturalReplicas(new Token(19), nts)));
    }

    [Fact]
    public void NetworkTopologyStrategy_repeats_racks_only_when_rf_exceeds_rack_count()
    {
        var nts = new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 3, ["dc2"] = 2 });
        // dc1 has 2 racks and RF 3: one repeat allowed and taken at the first opportunity (B), then C for r2.
        // dc2 has 2 nodes: both.
        Assert.Equal(["A", "E", "B", "F", "C"], Endpoints(TwoDcs.GetNaturalReplicas(new Token(-5), nts)));
    }

    [Fact]
    public void NetworkTopologyStrategy_ignores_datacenters_without_nodes_and_zero_rf()
    {
        var nts = new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 1, ["dc2"] = 0, ["dc9"] = 3 });
        Assert.Equal(["A"], Endpoints(TwoDcs.GetNaturalReplicas(new Token(-5), nts)));
    }

    [Fact]
    public void Duplicate_tokens_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => RingSnapshot.Create([Member("A", 1), Member("B", 1)]));
    }

    [Fact]
    public void WithMember_and_WithoutMember_return_new_snapshots()
    {
        RingSnapshot bigger = Abc.WithMember(Member("D", 75));
        Assert.Equal(4, Abc.VnodeCount);
        Assert.Equal(5, bigger.VnodeCount);
        Assert.Equal(["D", "A"], Endpoints(bigger.GetNaturalReplicas(new Token(60), new SimpleStrategy(2))));
        Assert.Equal(3, bigger.WithoutMember("A").VnodeCount);
    }
}
