using RingStore.Gossip.Ring;
using Xunit.Abstractions;

namespace RingStore.Gossip.Tests.Ring;

public class JoinerTokenAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Balanced_joiners_on_a_random_ring_keep_replicated_ownership_within_ten_percent()
    {
        var rf3 = new SimpleStrategy(3);
        var random = new RandomTokenAllocator(new Random(20_261_206));
        RingSnapshot ring = RingSnapshot.Empty;
        for (int i = 1; i <= 3; i++)
        {
            var node = new NodeInfo($"10.0.0.{i}");
            ring = ring.WithMember(new RingMember(node, random.Allocate(ring, node, 256)));
        }
        var balanced = new BalancedTokenAllocator(rf3);
        var ratios = new List<double>();
        for (int i = 4; i <= 6; i++)
        {
            var node = new NodeInfo($"10.0.0.{i}");
            ring = ring.WithMember(new RingMember(node, balanced.Allocate(ring, node, 256)));
            var owned = Ownership.Replicated(ring, rf3);
            double ratio = Ownership.MaxOverMin(owned.Values);
            ratios.Add(ratio);
            output.WriteLine($"{i} nodes: max/min {ratio:F4}; " + string.Join(", ", owned.Select(p => $"{p.Key}={p.Value:F4}")));
            Assert.Equal(3.0, owned.Values.Sum(), 9);
            Assert.Equal(256 * i, ring.VnodeCount);
        }
        Assert.All(ratios, r => Assert.InRange(r, 1.0, 1.10));
    }
}
