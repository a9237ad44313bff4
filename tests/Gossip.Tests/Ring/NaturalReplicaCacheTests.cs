using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Ring;

/// <summary>
/// <see cref="ClusterSnapshot.NaturalReplicasFor"/>, the per-vnode replica lists cached per snapshot, against the
/// uncached walk (<see cref="RingSnapshot.GetNaturalReplicas"/>): the same nodes in the same order for random rings,
/// strategies and tokens, with members joining, leaving, being removed and gone, computed once per snapshot.
/// </summary>
public class NaturalReplicaCacheTests
{
    private static readonly string[] Statuses =
        [NodeStatus.Normal, NodeStatus.Normal, NodeStatus.Normal, NodeStatus.Boot, NodeStatus.Leaving, NodeStatus.Left, NodeStatus.Removing];

    private sealed record Case(int[] Statuses, int[] Racks, long[] Tokens, int TokensPerNode, IReplicationStrategy Strategy, long[] Probes);

    private static readonly Gen<IReplicationStrategy> Strategies = Gen.OneOf(
        Gen.Int[1, 4].Select(rf => (IReplicationStrategy)new SimpleStrategy(rf)),
        Gen.Select(Gen.Int[1, 3], Gen.Int[0, 2]).Select((dc1, dc2) => (IReplicationStrategy)new NetworkTopologyStrategy(
            dc2 == 0 ? new Dictionary<string, int> { ["dc1"] = dc1 } : new Dictionary<string, int> { ["dc1"] = dc1, ["dc2"] = dc2 })));

    // 1..8 nodes in two DCs and three racks, 1..16 tokens each, any mix of ring roles.
    private static readonly Gen<Case> Cases =
        Gen.Int[1, 8].SelectMany(nodes => Gen.Int[1, 16].SelectMany(perNode =>
            Gen.Select(
                Gen.Int[0, Statuses.Length - 1].Array[nodes],
                Gen.Int[0, 2].Array[nodes],
                Gen.Long[long.MinValue + 1, long.MaxValue].Array[nodes * perNode],
                Strategies,
                Gen.Long[long.MinValue + 1, long.MaxValue].Array[0, 30])
            .Select((statuses, racks, tokens, strategy, probes) => new Case(statuses, racks, tokens, perNode, strategy, probes))));

    private static EndpointState State(string status, IEnumerable<long> tokens, string dc, string rack)
    {
        var s = EndpointState.Create(1);
        s = s.With(ApplicationState.Status, new VersionedValue(status, 1));
        s = s.With(ApplicationState.Tokens, new VersionedValue(TokensValue.Format(tokens.Select(t => new Token(t))), 2));
        s = s.With(ApplicationState.Datacenter, new VersionedValue(dc, 3));
        return s.With(ApplicationState.Rack, new VersionedValue(rack, 4));
    }

    private static MembershipSnapshot Membership(Case c)
    {
        var states = new Dictionary<string, EndpointState>();
        for (int n = 0; n < c.Statuses.Length; n++)
        {
            states[$"n{n}"] = State(Statuses[c.Statuses[n]], c.Tokens.Skip(n * c.TokensPerNode).Take(c.TokensPerNode),
                n % 2 == 0 ? "dc1" : "dc2", $"r{c.Racks[n]}");
        }

        return new MembershipSnapshot(1, "n0", states, new HashSet<string>(states.Keys));
    }

    /// <summary>Random tokens, every ring token and its neighbours (where replica sets change), and the ends.</summary>
    private static IEnumerable<Token> Probes(Case c, RingSnapshot ring) =>
        c.Probes
            .Concat(Enumerable.Range(0, ring.VnodeCount).Select(i => ring.TokenAt(i).Value)
                .SelectMany(t => new[] { t, t == long.MaxValue ? t : t + 1, t == long.MinValue + 1 ? t : t - 1 }))
            .Concat([long.MaxValue, long.MinValue + 1, 0])
            .Select(v => new Token(v));

    [Fact]
    public void Cached_natural_replicas_equal_the_walk_for_random_rings_strategies_roles_and_tokens()
    {
        Cases.Sample(c =>
        {
            var cluster = Membership(c).For(c.Strategy);
            foreach (Token t in Probes(c, cluster.Ring))
            {
                var cached = cluster.NaturalReplicasFor(t);
                var walked = cluster.Ring.GetNaturalReplicas(t, c.Strategy);
                Assert.Equal(walked, cached); // same nodes, same order (primary first)
                Assert.Same(cached, cluster.NaturalReplicasFor(t));
            }
        }, iter: 300);
    }

    [Fact]
    public void An_empty_ring_has_no_natural_replicas_and_each_snapshot_strategy_pair_has_its_own_lists()
    {
        var c = new Case([3], [0], [42], 1, new SimpleStrategy(3), []); // the only member is joining: no ring yet
        var joiningOnly = Membership(c).For(c.Strategy);
        Assert.True(joiningOnly.Ring.IsEmpty);
        Assert.Empty(joiningOnly.NaturalReplicasFor(new Token(7)));
        Assert.Empty(ClusterSnapshot.Empty.NaturalReplicasFor(new Token(7)));

        var ring = new Case([0, 0, 0], [0, 1, 2], [-100, 0, 100], 1, new SimpleStrategy(2), []);
        var membership = Membership(ring);
        Assert.Equal(["n1", "n2"], membership.For(new SimpleStrategy(2)).NaturalReplicasFor(new Token(-5)).Select(n => n.Endpoint));
        Assert.Equal(["n1", "n2", "n0"], membership.For(new SimpleStrategy(3)).NaturalReplicasFor(new Token(-5)).Select(n => n.Endpoint));
        Assert.Equal(["n0"], membership.For(new SimpleStrategy(1)).NaturalReplicasFor(new Token(100_000)).Select(n => n.Endpoint));
    }
}
