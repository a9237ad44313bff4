using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Ring;

public class MembershipResolverTests
{
    private static readonly Guid HostA = new("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid HostB = new("bbbbbbbb-0000-0000-0000-000000000002");
    private static readonly Guid HostC = new("cccccccc-0000-0000-0000-000000000003");
    private static readonly Guid HostD = new("dddddddd-0000-0000-0000-000000000004");

    internal static EndpointState State(string? status, Guid hostId, IEnumerable<long> tokens, int generation = 1,
        string? replacing = null, string? removal = null, string dc = "dc1", string rack = "rack1")
    {
        var s = EndpointState.Create(generation);
        int v = 1;
        if (status is not null) s = s.With(ApplicationState.Status, new VersionedValue(status, v++));
        long[] list = [.. tokens];
        if (list.Length > 0) s = s.With(ApplicationState.Tokens, new VersionedValue(TokensValue.Format(list.Select(t => new Token(t))), v++));
        if (hostId != Guid.Empty) s = s.With(ApplicationState.HostId, new VersionedValue(hostId.ToString("D"), v++));
        if (replacing is not null) s = s.With(ApplicationState.Replacing, new VersionedValue(replacing, v++));
        if (removal is not null) s = s.With(ApplicationState.Removal, new VersionedValue(removal, v++));
        s = s.With(ApplicationState.Datacenter, new VersionedValue(dc, v++));
        return s.With(ApplicationState.Rack, new VersionedValue(rack, v));
    }

    private static string[] RingEndpoints(ClusterSnapshot snap) => [.. snap.Ring.Members.Select(m => m.Node.Endpoint)];

    private static ResolvedMember Member(ClusterSnapshot snap, string endpoint) =>
        snap.Member(endpoint) ?? throw new InvalidOperationException($"no member {endpoint}");

    [Fact]
    public void Node_restarted_on_a_new_address_keeps_only_the_newer_generation_in_the_ring()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["10.0.0.1"] = State(NodeStatus.Normal, HostA, [-5_000, 5_000], generation: 100),
            ["10.0.0.2"] = State(NodeStatus.Normal, HostB, [0]),
            ["10.0.0.9"] = State(NodeStatus.Normal, HostA, [-5_000, 5_000], generation: 200),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(2));

        Assert.Equal(["10.0.0.2", "10.0.0.9"], RingEndpoints(snap));
        Assert.Equal(3, snap.Ring.VnodeCount);
        Assert.Equal("10.0.0.9", snap.Ring.NodeAt(snap.Ring.FindVnode(new Token(4_000))).Endpoint);
        ResolvedMember old = Member(snap, "10.0.0.1");
        Assert.Equal(MemberRole.Out, old.Role);
        Assert.Contains("10.0.0.9", old.Reason, StringComparison.Ordinal);
        Assert.Equal(MemberRole.Normal, Member(snap, "10.0.0.9").Role);
        Assert.Empty(snap.Leaving);
        Assert.True(snap.Pending.IsEmpty);
    }

    [Fact]
    public void Two_hosts_claiming_one_token_the_older_generation_is_out_and_the_reason_names_both()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [-5_000, 1_000], generation: 10),
            ["b"] = State(NodeStatus.Normal, HostB, [1_000, 7_000], generation: 20),
            ["c"] = State(NodeStatus.Normal, HostC, [3_000]),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));

        Assert.Equal(["b", "c"], RingEndpoints(snap));
        ResolvedMember a = Member(snap, "a");
        Assert.Equal(MemberRole.Out, a.Role);
        Assert.Equal("CONFLICT", a.DisplayStatus);
        Assert.Contains("a", a.Reason!.Split(' '));
        Assert.Contains("b", a.Reason.Split(' '));
        Assert.Contains(HostA.ToString(), a.Reason, StringComparison.Ordinal);
        Assert.Contains(HostB.ToString(), a.Reason, StringComparison.Ordinal);
        Assert.Equal(MemberRole.Normal, Member(snap, "b").Role);
    }

    [Fact]
    public void Left_node_is_out()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [-5_000]),
            ["b"] = State(NodeStatus.Left + ",12345", HostB, [5_000]),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));
        Assert.Equal(["a"], RingEndpoints(snap));
        Assert.Equal(MemberRole.Out, Member(snap, "b").Role);
        Assert.Empty(snap.Leaving);
        Assert.True(snap.Pending.IsEmpty);
    }

    [Fact]
    public void Removing_host_is_removing_owner_and_leaving()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [-5_000], removal: Removals.With(null, HostC, finished: false)),
            ["b"] = State(NodeStatus.Normal, HostB, [0]),
            ["c"] = State(NodeStatus.Normal, HostC, [5_000]),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));

        ResolvedMember c = Member(snap, "c");
        Assert.Equal(MemberRole.Removing, c.Role);
        Assert.Equal(NodeStatus.Removing, c.DisplayStatus);
        Assert.Equal(["a", "b", "c"], RingEndpoints(snap));
        Assert.Equal(["c"], snap.Leaving);
        // c's range (0, 5000] goes to the next node, a.
        Assert.Equal("a", Assert.Single(snap.Pending.PendingFor(new Token(2_500))).Endpoint);
        Assert.Equal(["a", "b"], snap.FutureRing().Members.Select(m => m.Node.Endpoint));
    }

    [Fact]
    public void Removed_host_is_out_even_when_its_own_state_says_normal()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [-5_000], removal: Removals.With(Removals.With(null, HostD, false), HostC, finished: true)),
            ["b"] = State(NodeStatus.Normal, HostB, [0]),
            ["c"] = State(NodeStatus.Normal, HostC, [5_000], generation: 999),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));
        Assert.Equal(["a", "b"], RingEndpoints(snap));
        ResolvedMember c = Member(snap, "c");
        Assert.Equal(MemberRole.Out, c.Role);
        Assert.Equal(NodeStatus.Removed, c.DisplayStatus);
        Assert.Empty(snap.Leaving);
    }

    [Fact]
    public void Replacement_while_booting_and_after_it_is_normal()
    {
        var rf2 = new SimpleStrategy(2);
        long[] xTokens = [-4_000, 2_000, 8_000];
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [-6_000, 0, 6_000]),
            ["b"] = State(NodeStatus.Normal, HostB, [-2_000, 4_000]),
            ["x"] = State(NodeStatus.Normal, HostC, xTokens),
            ["y"] = State(NodeStatus.Boot, HostD, xTokens, generation: 5, replacing: HostC.ToString("D")),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, rf2);

        Assert.Equal(MemberRole.BeingReplaced, Member(snap, "x").Role);
        Assert.Equal(MemberRole.Joining, Member(snap, "y").Role);
        Assert.Equal(["a", "b", "x"], RingEndpoints(snap));
        Assert.Equal(["x"], snap.Leaving);
        Assert.Equal("y", Assert.Single(snap.Joining).Node.Endpoint);

        // Pending: exactly the ranges x replicates now, for y and nobody else.
        var placement = new ReplicaPlacement(snap.Ring, rf2);
        IEnumerable<long> probes = snap.Ring.Members.SelectMany(m => m.Tokens).SelectMany(t => new[] { t.Value - 1, t.Value, t.Value + 1 })
            .Concat([long.MaxValue, long.MinValue + 1]);
        foreach (long p in probes)
        {
            var token = new Token(p);
            bool xReplicates = placement.GetReplicas(token).Any(n => n.Endpoint == "x");
            var pending = snap.Pending.PendingFor(token).Select(n => n.Endpoint).ToArray();
            Assert.Equal(xReplicates ? ["y"] : Array.Empty<string>(), pending);
        }
        Assert.Equal(Ownership.Replicated(snap.Ring, rf2)["x"], snap.Pending.RangesFor("y").Sum(r => r.RingFraction), 9);

        // y finishes: x is out, y owns x's tokens.
        states["y"] = State(NodeStatus.Normal, HostD, xTokens, generation: 5, replacing: HostC.ToString("D"));
        ClusterSnapshot done = ClusterSnapshot.Build(states, rf2);
        ResolvedMember x = Member(done, "x");
        Assert.Equal(MemberRole.Out, x.Role);
        Assert.Contains("y", x.Reason, StringComparison.Ordinal);
        Assert.Equal(["a", "b", "y"], RingEndpoints(done));
        Assert.Equal(xTokens, done.Ring.FindMember("y")!.Tokens.Select(t => t.Value));
        Assert.Empty(done.Leaving);
        Assert.Empty(done.Joining);
        Assert.True(done.Pending.IsEmpty);
    }

    [Fact]
    public void Joining_node_whose_tokens_collide_with_an_owner_is_out_and_the_owner_stays()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [-5_000, 1_000], generation: 1),
            ["b"] = State(NodeStatus.Normal, HostB, [5_000], generation: 1),
            ["j"] = State(NodeStatus.Boot, HostC, [1_000, 3_000], generation: 50),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));
        Assert.Equal(["a", "b"], RingEndpoints(snap));
        Assert.Equal(MemberRole.Normal, Member(snap, "a").Role);
        ResolvedMember j = Member(snap, "j");
        Assert.Equal(MemberRole.Out, j.Role);
        Assert.Contains("a", j.Reason!.Split(' '));
        Assert.Contains("j", j.Reason.Split(' '));
        Assert.Empty(snap.Joining);
        Assert.True(snap.Pending.IsEmpty);
    }

    [Fact]
    public void Two_replacements_of_one_dead_node_only_the_first_joins_and_the_ring_builds()
    {
        // Regression: both replacements used to be exempt from the token-conflict rule, so the future ring had
        // every token twice and ClusterSnapshot.Build threw.
        long[] xTokens = [-4_000, 4_000];
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [0]),
            ["x"] = State(NodeStatus.Normal, HostB, xTokens),
            ["y1"] = State(NodeStatus.Boot, HostC, xTokens, generation: 5, replacing: HostB.ToString("D")),
            ["y2"] = State(NodeStatus.Boot, HostD, xTokens, generation: 6, replacing: HostB.ToString("D")),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));
        Assert.Equal(MemberRole.BeingReplaced, Member(snap, "x").Role);
        Assert.Equal(MemberRole.Joining, Member(snap, "y1").Role);
        ResolvedMember y2 = Member(snap, "y2");
        Assert.Equal(MemberRole.Out, y2.Role);
        Assert.Contains("y2", y2.Reason!.Split(' '));
        Assert.Equal(["a", "y1"], snap.FutureRing().Members.Select(m => m.Node.Endpoint));
    }

    [Fact]
    public void Leaving_former_replacement_and_a_newer_generation_of_the_replaced_node_never_share_the_ring()
    {
        // Regression: a node that once replaced x keeps its REPLACING state; when it leaves it no longer counts as
        // x's replacement, so x's stale state is back in play, and if x has the newer generation both used to be
        // kept as owners of the same tokens (RingSnapshot.Create threw).
        long[] xTokens = [-4_000, 4_000];
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, HostA, [0]),
            ["x"] = State(NodeStatus.Normal, HostB, xTokens, generation: 9),
            ["y"] = State(NodeStatus.Leaving, HostC, xTokens, generation: 5, replacing: HostB.ToString("D")),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));
        Assert.Equal(3, snap.Ring.VnodeCount);
        Assert.Single(new[] { "x", "y" }, e => Member(snap, e).Role == MemberRole.Out);
    }

    // Random gossip states: 1..7 endpoints drawing host ids, tokens, statuses, REPLACING and REMOVAL entries from
    // small pools, so duplicated host ids, token conflicts, replacements and removals all happen often.
    private static readonly string?[] Statuses =
        [null, NodeStatus.Normal, NodeStatus.Normal, NodeStatus.Boot, NodeStatus.Leaving, NodeStatus.Left, NodeStatus.Shutdown, "MOVING"];

    private static readonly Guid[] HostPool = [HostA, HostB, HostC, HostD, Guid.Empty];

    private static readonly Gen<EndpointState> GenState =
        Gen.Select(Gen.Int[0, Statuses.Length - 1], Gen.Int[0, HostPool.Length - 1], Gen.Long[-6, 6].Array[0, 4], Gen.Int[1, 4],
                   Gen.Int[0, HostPool.Length + 2], Gen.Select(Gen.Int[0, HostPool.Length - 1], Gen.Bool).Array[0, 3], Gen.Int[0, 2])
           .Select((status, host, tokens, generation, replacing, removals, dc) =>
           {
               string? replacingValue = replacing < HostPool.Length ? HostPool[replacing].ToString("D") : replacing == HostPool.Length ? "garbage" : null;
               string? removal = null;
               foreach (var (h, finished) in removals) removal = Removals.With(removal, HostPool[h], finished);
               return State(Statuses[status], HostPool[host], tokens.Distinct().Select(t => t * 1_000), generation, replacingValue, removal,
                   dc: dc == 2 ? "dc2" : "dc1", rack: $"r{(tokens.Length + dc) % 2}");
           });

    private static readonly Gen<KeyValuePair<string, EndpointState>[]> GenStates =
        GenState.Array[1, 7].Select(states => states.Select((s, i) => KeyValuePair.Create($"10.0.0.{i}", s)).ToArray());

    [Fact]
    public void Build_never_throws_and_does_not_depend_on_dictionary_order()
    {
        IReplicationStrategy[] strategies =
        [
            new SimpleStrategy(2),
            new NetworkTopologyStrategy(new Dictionary<string, int> { ["dc1"] = 2, ["dc2"] = 1 }),
        ];
        Gen.Select(GenStates, Gen.Int).Sample((states, seed) =>
        {
            var shuffled = states.ToArray();
            new Random(seed).Shuffle(shuffled);
            foreach (IReplicationStrategy strategy in strategies)
            {
                ClusterSnapshot a = ClusterSnapshot.Build(new Dictionary<string, EndpointState>(states), strategy);
                ClusterSnapshot b = ClusterSnapshot.Build(new Dictionary<string, EndpointState>(shuffled), strategy);
                Assert.Equal(Describe(a.Ring), Describe(b.Ring));
                Assert.Equal(Describe(a.FutureRing()), Describe(b.FutureRing()));
                Assert.Equal(a.Leaving.Order(StringComparer.Ordinal), b.Leaving.Order(StringComparer.Ordinal));
                Assert.Equal(a.Members.Select(m => (m.Endpoint, m.Role, m.Reason)).OrderBy(m => m.Endpoint, StringComparer.Ordinal),
                             b.Members.Select(m => (m.Endpoint, m.Role, m.Reason)).OrderBy(m => m.Endpoint, StringComparer.Ordinal));
                // Every in-ring member kept its tokens and no two owners share one.
                Assert.All(a.Ring.Members, m => Assert.NotEqual(MemberRole.Out, a.Member(m.Node.Endpoint)!.Role));
            }
        }, iter: 2_000);
    }

    private static string[] Describe(RingSnapshot ring) =>
        [.. Enumerable.Range(0, ring.VnodeCount).Select(i => $"{ring.TokenAt(i).Value}@{ring.NodeAt(i).Endpoint}")];
}
