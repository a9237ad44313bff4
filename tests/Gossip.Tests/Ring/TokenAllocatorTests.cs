using RingStore.Gossip.Ring;
using static RingStore.Gossip.Tests.Ring.RingTestData;

namespace RingStore.Gossip.Tests.Ring;

public class TokenAllocatorTests
{
    [Fact]
    public void Random_allocator_is_seeded_and_gives_distinct_tokens()
    {
        var a = Grow(new RandomTokenAllocator(new Random(7)), 4, 256);
        var b = Grow(new RandomTokenAllocator(new Random(7)), 4, 256);
        Assert.Equal(1024, a.VnodeCount);
        Assert.Equal(a.Members.SelectMany(m => m.Tokens), b.Members.SelectMany(m => m.Tokens));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(12)]
    [InlineData(24)]
    public void Balanced_allocator_keeps_replicated_ownership_within_ten_percent(int nodes)
    {
        var rf3 = new SimpleStrategy(3);
        RingSnapshot ring = Grow(new BalancedTokenAllocator(rf3), nodes, 256);
        double ratio = Ownership.MaxOverMin(Ownership.ReplicatedByIndex(ring, rf3));
        Assert.InRange(ratio, 1.0, 1.10);
        Assert.Equal(3.0, Ownership.ReplicatedByIndex(ring, rf3).Sum(), 9);
    }

    [Fact]
    public void Balanced_allocator_beats_random_on_the_same_cluster()
    {
        var rf3 = new SimpleStrategy(3);
        double balanced = Ownership.MaxOverMin(Ownership.ReplicatedByIndex(Grow(new BalancedTokenAllocator(rf3), 6, 256), rf3));
        double random = Ownership.MaxOverMin(Ownership.ReplicatedByIndex(Grow(new RandomTokenAllocator(new Random(3)), 6, 256), rf3));
        Assert.True(balanced < random, $"balanced {balanced} vs random {random}");
    }

    [Fact]
    public void Balanced_allocator_balances_within_each_datacenter_under_NetworkTopologyStrategy()
    {
        // Kept small: NetworkTopologyStrategy walks are longer, and this only checks per-DC balancing works.
        var nts = new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 2, ["dc2"] = 2 });
        RingSnapshot ring = Grow(new BalancedTokenAllocator(nts), 8, 32,
            i => new NodeInfo($"n{i}", i % 2 == 0 ? "dc1" : "dc2", $"r{i % 3}"));
        double[] owned = Ownership.ReplicatedByIndex(ring, nts);
        foreach (string dc in new[] { "dc1", "dc2" })
        {
            var inDc = Enumerable.Range(0, ring.Topology.NodeCount).Where(i => ring.Topology.Nodes[i].Datacenter == dc).Select(i => owned[i]);
            Assert.InRange(Ownership.MaxOverMin(inDc), 1.0, 1.25);
        }
    }
}
