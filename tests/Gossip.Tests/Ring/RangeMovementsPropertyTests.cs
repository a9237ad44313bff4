using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Ring;

public class RangeMovementsPropertyTests
{
    private sealed record Case(RingSnapshot Ring, RingMember Extra, long[] Probes, int Rf, int Leaver);

    // Random rings of 3..8 nodes (2 DCs, 3 racks) with 4..32 random tokens each, one more node to join, probe tokens.
    private static readonly Gen<Case> Cases =
        Gen.Select(Gen.Int[3, 8], Gen.Int[4, 32], Gen.Int, Gen.Int[1, 3], Gen.Long.Array[40], Gen.Int[0, 7])
           .Select((nodes, tokens, seed, rf, probes, leaver) =>
           {
               var allocator = new RandomTokenAllocator(new Random(seed));
               RingSnapshot ring = RingSnapshot.Empty;
               for (int i = 0; i < nodes; i++)
               {
                   var node = new NodeInfo($"n{i}", i % 2 == 0 ? "dc1" : "dc2", $"r{i % 3}");
                   ring = ring.WithMember(new RingMember(node, allocator.Allocate(ring, node, tokens)));
               }
               var joining = new NodeInfo("joiner", "dc1", $"r{seed & 1}");
               return new Case(ring, new RingMember(joining, allocator.Allocate(ring, joining, tokens)), probes, rf, leaver % nodes);
           });

    private static IReplicationStrategy[] Strategies(int rf) =>
    [
        new SimpleStrategy(rf),
        new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = rf, ["dc2"] = Math.Max(1, rf - 1) }),
    ];

    /// <summary>Probe tokens: the random ones plus every ring token and its neighbours (where replica sets change).</summary>
    private static IEnumerable<Token> Probes(Case c, RingSnapshot future) =>
        c.Probes.Where(p => p != long.MinValue)
            .Concat(c.Ring.Members.Concat(future.Members).SelectMany(m => m.Tokens)
                .SelectMany(t => new[] { t.Value, t.Value == long.MaxValue ? t.Value : t.Value + 1, t.Value == long.MinValue + 1 ? t.Value : t.Value - 1 }))
            .Concat([long.MaxValue, long.MinValue + 1])
            .Select(v => new Token(v));

    private static HashSet<string> Replicas(RingSnapshot ring, Token t, IReplicationStrategy s) =>
        [.. ring.GetNaturalReplicas(t, s).Select(n => n.Endpoint)];

    /// <summary>The properties every movement list must have for current -> future.</summary>
    private static IReadOnlyList<RangeMovement> CheckMovements(Case c, RingSnapshot current, RingSnapshot future, IReplicationStrategy s)
    {
        var moves = RangeMovements.Compute(current, future, s);
        string[] targets = [.. future.Members.Select(m => m.Node.Endpoint)];
        foreach (Token t in Probes(c, future))
        {
            HashSet<string> now = Replicas(current, t, s), then = Replicas(future, t, s);
            foreach (string target in targets)
            {
                bool gains = then.Contains(target) && !now.Contains(target);
                int covering = moves.Count(m => m.Target == target && m.Range.Contains(t));
                Assert.True(gains ? covering == 1 : covering == 0,
                    $"{target} at {t}: gains={gains}, covered by {covering} movements ({s})");
            }
            foreach (RangeMovement m in moves.Where(m => m.Range.Contains(t)))
            {
                Assert.True(now.SetEquals(m.Losing.Concat(m.Remaining)), $"losing+remaining != current replicas at {t}");
                Assert.Equal(m.Losing.Count + m.Remaining.Count, now.Count);
                Assert.All(m.Losing, e => Assert.DoesNotContain(e, then));
                Assert.All(m.Remaining, e => Assert.Contains(e, then));
                Assert.DoesNotContain(m.Target, now);
            }
        }
        return moves;
    }

    [Fact]
    public void Join_movements_cover_exactly_what_the_joiner_gains()
    {
        Cases.Sample(c =>
        {
            RingSnapshot future = c.Ring.WithMember(c.Extra);
            foreach (IReplicationStrategy s in Strategies(c.Rf))
            {
                var moves = CheckMovements(c, c.Ring, future, s);
                Assert.NotEmpty(moves);
                Assert.All(moves, m => Assert.Equal("joiner", m.Target));
                if (s is SimpleStrategy) Assert.All(moves, m => Assert.Single(m.Losing));
            }
        }, iter: 100);
    }

    [Fact]
    public void Leave_movements_cover_what_each_node_gains_and_never_target_the_leaver()
    {
        Cases.Sample(c =>
        {
            string leaver = c.Ring.Members[c.Leaver].Node.Endpoint;
            RingSnapshot future = c.Ring.WithoutMember(leaver);
            foreach (IReplicationStrategy s in Strategies(c.Rf))
            {
                var moves = CheckMovements(c, c.Ring, future, s);
                Assert.All(moves, m => Assert.NotEqual(leaver, m.Target));
                if (moves.Count > 0) Assert.Contains(moves, m => m.Losing.Contains(leaver));
                if (s is SimpleStrategy)
                {
                    // With more nodes than replicas someone takes over the leaver's data; otherwise all hold everything.
                    Assert.Equal(c.Ring.Members.Count > c.Rf, moves.Count > 0);
                    Assert.All(moves, m => Assert.Equal([leaver], m.Losing));
                }
            }
        }, iter: 100);
    }

    [Fact]
    public void Removal_from_gossip_states_streams_what_the_removed_node_loses()
    {
        Cases.Sample(c =>
        {
            var hosts = c.Ring.Members.Select((m, i) => (m, Host: new Guid(i + 1, 0, 0, new byte[8]))).ToList();
            Guid removed = hosts[c.Leaver].Host;
            var states = hosts.ToDictionary(p => p.m.Node.Endpoint, p => MembershipResolverTests.State(NodeStatus.Normal, p.Host,
                p.m.Tokens.Select(t => t.Value), removal: p.Host == hosts[0].Host ? Removals.With(null, removed, finished: false) : null,
                dc: p.m.Node.Datacenter, rack: p.m.Node.Rack));
            string removedEndpoint = hosts[c.Leaver].m.Node.Endpoint;
            foreach (IReplicationStrategy s in Strategies(c.Rf))
            {
                ClusterSnapshot cluster = ClusterSnapshot.Build(states, s);
                Assert.Equal([removedEndpoint], cluster.Leaving);
                RingSnapshot future = cluster.FutureRing();
                Assert.Null(future.FindMember(removedEndpoint));
                var moves = CheckMovements(c, cluster.Ring, future, s);
                if (s is SimpleStrategy)
                {
                    Assert.Equal(c.Ring.Members.Count > c.Rf, moves.Count > 0);
                    Assert.All(moves, m => Assert.Contains(removedEndpoint, m.Losing));
                }
                else if (moves.Count > 0)
                {
                    Assert.Contains(moves, m => m.Losing.Contains(removedEndpoint));
                }
                // What the movements say each target gains is what the pending ranges say it must receive writes for.
                foreach (Token t in Probes(c, future))
                {
                    var pending = cluster.Pending.PendingFor(t).Select(n => n.Endpoint).Order(StringComparer.Ordinal);
                    var gained = moves.Where(m => m.Range.Contains(t)).Select(m => m.Target).Order(StringComparer.Ordinal);
                    Assert.Equal(pending, gained);
                }
            }
        }, iter: 60);
    }
}
