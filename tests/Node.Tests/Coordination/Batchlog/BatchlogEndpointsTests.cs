using CsCheck;
using RingStore.Coordination.Batchlog;

namespace RingStore.Node.Tests.Coordination.Batchlog;

public class BatchlogEndpointsTests
{
    private const string Self = "n0";

    private static BatchlogCandidate Node(string endpoint, string rack = "r1", bool alive = true) => new(endpoint, rack, alive);

    private static IReadOnlyList<string> Choose(string localRack, params BatchlogCandidate[] dc) =>
        BatchlogEndpoints.Choose(Self, localRack, dc, new Random(7));

    [Fact]
    public void A_one_node_datacenter_keeps_the_batchlog_on_the_coordinator() =>
        Assert.Equal([Self], Choose("r1", Node(Self)));

    [Fact]
    public void Two_nodes_keep_it_on_the_other_one() =>
        Assert.Equal(["n1"], Choose("r1", Node(Self), Node("n1")));

    [Fact]
    public void No_other_live_node_chooses_nobody_so_the_caller_answers_Unavailable()
    {
        Assert.Empty(Choose("r1", Node(Self), Node("n1", alive: false)));
        Assert.Empty(Choose("r1", Node(Self), Node("n1", alive: false), Node("n2", alive: false)));
    }

    [Fact]
    public void Three_nodes_keep_it_on_both_others_and_one_dead_leaves_one() 
    {
        Assert.Equal(["n1", "n2"], Choose("r1", Node(Self), Node("n1"), Node("n2")).Order());
        Assert.Equal(["n2"], Choose("r1", Node(Self), Node("n1", alive: false), Node("n2")));
    }

    [Fact]
    public void Two_other_racks_get_one_copy_each_and_the_coordinators_rack_none()
    {
        var dc = new[]
        {
            Node(Self, "a"), Node("a1", "a"), Node("a2", "a"),
            Node("b1", "b"), Node("b2", "b"),
            Node("c1", "c"), Node("c2", "c"),
        };
        for (int seed = 0; seed < 50; seed++)
        {
            var chosen = BatchlogEndpoints.Choose(Self, "a", dc, new Random(seed));
            Assert.Equal(2, chosen.Count);
            Assert.Equal(["b", "c"], chosen.Select(e => e[..1]).Order());
        }
    }

    [Fact]
    public void With_one_node_outside_the_coordinators_rack_the_local_rack_is_used_too()
    {
        // Only b1 is in another rack: fewer than two there, so the local rack's nodes stay candidates; two racks remain.
        var dc = new[] { Node(Self, "a"), Node("a1", "a"), Node("a2", "a"), Node("b1", "b") };
        for (int seed = 0; seed < 20; seed++)
        {
            var chosen = BatchlogEndpoints.Choose(Self, "a", dc, new Random(seed));
            Assert.Equal(2, chosen.Count);
            Assert.Contains("b1", chosen);
        }
    }

    /// <summary>Whatever the topology: distinct, live, never the coordinator (unless alone), min(2, live others) of them.</summary>
    [Fact]
    public void Any_datacenter_gets_distinct_live_other_nodes() =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[1, 3], Gen.Int[0, 1000])
            .SelectMany((others, racks, seed) => Gen.Bool.Array[others].Select(alive => (others, racks, seed, alive)))
            .Sample(t =>
            {
                var dc = new List<BatchlogCandidate> { Node(Self, "r0") };
                for (int i = 0; i < t.others; i++) dc.Add(Node($"n{i + 1}", $"r{i % t.racks}", t.alive[i]));
                var chosen = BatchlogEndpoints.Choose(Self, "r0", dc, new Random(t.seed));
                if (t.others == 0) return chosen.SequenceEqual([Self]);
                int live = t.alive.Count(a => a);
                return chosen.Count == Math.Min(2, live) && chosen.Distinct().Count() == chosen.Count
                    && chosen.All(e => e != Self && dc.Single(c => c.Endpoint == e).IsAlive);
            });
}
