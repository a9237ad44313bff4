using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;

namespace RingStore.Gossip.Tests.Ring;

public class RingPropertyTests
{
    // Small random rings: 1..8 nodes over 2 DCs and 3 racks, 1..6 tokens each, plus a probe token and an RF.
    private static readonly Gen<(RingSnapshot Ring, long Probe, int Rf)> Rings =
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.Int, Gen.Long, Gen.Int[1, 4])
           .Select((nodes, tokens, seed, probe, rf) =>
           {
               var random = new Random(seed);
               var allocator = new RandomTokenAllocator(random);
               RingSnapshot ring = RingSnapshot.Empty;
               for (int i = 0; i < nodes; i++)
               {
                   var node = new NodeInfo($"n{i}", i % 2 == 0 ? "dc1" : "dc2", $"r{i % 3}");
                   ring = ring.WithMember(new RingMember(node, allocator.Allocate(ring, node, tokens)));
               }
               return (ring, probe, rf);
           });

    private static IEnumerable<IReplicationStrategy> Strategies(int rf) =>
    [
        new SimpleStrategy(rf),
        new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = rf, ["dc2"] = Math.Max(1, rf - 1) }),
    ];

    [Fact]
    public void Probe_token_lies_in_the_range_of_the_vnode_found_for_it()
    {
        Rings.Sample(x =>
        {
            int vnode = x.Ring.FindVnode(new Token(x.Probe));
            Assert.True(x.Ring.RangeAt(vnode).Contains(new Token(x.Probe)));
        });
    }

    [Fact]
    public void Replicas_are_distinct_and_as_many_as_the_strategy_can_place()
    {
        Rings.Sample(x =>
        {
            foreach (IReplicationStrategy s in Strategies(x.Rf))
            {
                var replicas = x.Ring.GetNaturalReplicas(new Token(x.Probe), s);
                Assert.Equal(replicas.Count, replicas.Select(r => r.Endpoint).Distinct().Count());
                int expected = s is SimpleStrategy
                    ? Math.Min(x.Rf, x.Ring.Topology.NodeCount)
                    : x.Ring.Topology.DatacenterNames.Sum(dc =>
                        Math.Min(((NetworkTopologyStrategy)s).ReplicationFactors.First(p => p.Key == dc).Value,
                                 x.Ring.Topology.NodesIn(x.Ring.Topology.DatacenterId(dc))));
                Assert.Equal(expected, replicas.Count);
                // The precomputed placement agrees with the walk.
                Assert.Equal(replicas, new ReplicaPlacement(x.Ring, s).GetReplicas(new Token(x.Probe)));
                // The primary replica owns the probe's range.
                Assert.Equal(x.Ring.NodeAt(x.Ring.FindVnode(new Token(x.Probe))), replicas[0]);
            }
        });
    }

    [Fact]
    public void Replicated_ownership_sums_to_the_effective_replication_factor()
    {
        Rings.Sample(x =>
        {
            var simple = new SimpleStrategy(x.Rf);
            double[] owned = Ownership.ReplicatedByIndex(x.Ring, simple);
            Assert.Equal(Math.Min(x.Rf, x.Ring.Topology.NodeCount), owned.Sum(), 9);
            Assert.All(owned, o => Assert.InRange(o, 0.0, 1.0 + 1e-12));
            Assert.Equal(1.0, Ownership.Primary(x.Ring).Values.Sum(), 9);
        });
    }
}
