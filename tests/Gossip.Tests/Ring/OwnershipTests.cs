using RingStore.Gossip.Ring;
using static RingStore.Gossip.Tests.Ring.RingTestData;

namespace RingStore.Gossip.Tests.Ring;

public class OwnershipTests
{
    private const long Quarter = 1L << 62;

    // Four single-token nodes at the quarter points: A @ -2^62, B @ 0, C @ 2^62, D @ long.MinValue+1 ~ -2^63.
    private static readonly RingSnapshot Quarters = RingSnapshot.Create([
        Member("A", -Quarter), Member("B", 0), Member("C", Quarter), Member("D", long.MinValue + 1)]);

    [Fact]
    public void Primary_ownership_is_the_width_of_each_nodes_ranges()
    {
        var primary = Ownership.Primary(Quarters);
        Assert.Equal(0.25, primary["A"], 9); // (min+1, -2^62]
        Assert.Equal(0.25, primary["B"], 9); // (-2^62, 0]
        Assert.Equal(0.25, primary["C"], 9); // (0, 2^62]
        Assert.Equal(0.25, primary["D"], 9); // (2^62, min+1] wrapping
    }

    [Fact]
    public void Replicated_ownership_adds_the_ranges_a_node_replicates_for_its_predecessors()
    {
        // Unequal: A @ 0 owns (3/4 of the ring-ish) ... use tokens 0, 2^62, 2^62*2-1 to get 1/4, 1/4, 1/2.
        RingSnapshot ring = RingSnapshot.Create([Member("A", 0), Member("B", Quarter), Member("C", long.MaxValue)]);
        var primary = Ownership.Primary(ring);
        Assert.Equal(0.5, primary["A"], 6);  // (max, 0] = half the ring
        Assert.Equal(0.25, primary["B"], 6);
        Assert.Equal(0.25, primary["C"], 6);
        var rf2 = Ownership.Replicated(ring, new SimpleStrategy(2));
        Assert.Equal(0.5 + 0.25, rf2["A"], 6); // its own range + C's, whose second replica it is
        Assert.Equal(0.25 + 0.5, rf2["B"], 6);
        Assert.Equal(0.25 + 0.25, rf2["C"], 6);
        Assert.All(Ownership.Replicated(ring, new SimpleStrategy(3)).Values, v => Assert.Equal(1.0, v, 9));
    }

    [Fact]
    public void Ownership_is_reported_per_datacenter_under_NetworkTopologyStrategy()
    {
        RingSnapshot ring = RingSnapshot.Create([
            Member("A", "dc1", "r1", 0), Member("B", "dc1", "r1", Quarter),
            Member("E", "dc2", "r1", -Quarter)]);
        var owned = Ownership.Replicated(ring, new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 1, ["dc2"] = 1 }));
        // dc2 has one node: it holds everything; dc1 splits the ring between A and B by dc1 tokens only.
        Assert.Equal(1.0, owned["E"], 9);
        Assert.Equal(1.0, owned["A"] + owned["B"], 9);
        Assert.Equal(0.75, owned["A"], 6); // (2^62, 0] wrapping
    }
}
