using System.Collections.Immutable;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Ring;

public class MembershipSnapshotTests
{
    private static EndpointState State(string status, IEnumerable<long> tokens, string rack = "rack1")
    {
        var s = EndpointState.Create(1);
        s = s.With(ApplicationState.Status, new VersionedValue(status, 1));
        s = s.With(ApplicationState.Tokens, new VersionedValue(TokensValue.Format(tokens.Select(t => new Token(t))), 2));
        s = s.With(ApplicationState.Datacenter, new VersionedValue("dc1", 3));
        return s.With(ApplicationState.Rack, new VersionedValue(rack, 4));
    }

    [Fact]
    public void Builds_ring_and_pending_ranges_from_gossip_states_and_drops_left_nodes()
    {
        var rf2 = new SimpleStrategy(2);
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, [-6_000, 3_000]),
            ["b"] = State(NodeStatus.Normal, [-3_000, 6_000]),
            ["c"] = State(NodeStatus.Normal, [0, 9_000]),
            ["d"] = State(NodeStatus.Boot, [1_500]),
        };
        var live = new HashSet<string> { "a", "b", "c", "d" };
        var membership = new MembershipSnapshot(1, "a", new Dictionary<string, EndpointState>(states), live);
        ClusterSnapshot snap = membership.For(rf2);

        Assert.Same(snap, membership.For(rf2)); // built once per snapshot and strategy
        Assert.Equal(["a", "b", "c"], snap.Ring.Members.Select(m => m.Node.Endpoint));
        Assert.Equal(6, snap.Ring.VnodeCount);
        Assert.Equal("d", Assert.Single(snap.Joining).Node.Endpoint);
        // d takes (0, 1500] as primary and (-3000, 0] as second replica: both pending for it.
        Assert.Contains(snap.Pending.PendingFor(new Token(1_000)), n => n.Endpoint == "d");
        Assert.Contains(snap.Pending.PendingFor(new Token(-1_000)), n => n.Endpoint == "d");
        Assert.Empty(snap.Pending.PendingFor(new Token(5_000)));
        Assert.All(snap.Pending.Segments(), s => Assert.All(s.Endpoints, n => Assert.Equal("d", n.Endpoint)));
        Assert.True(membership.IsAlive("b"));
        Assert.Equal("d", membership.Find("d")!.Endpoint);

        states["d"] = State(NodeStatus.Normal, [1_500]);
        states["c"] = State(NodeStatus.Left, [0, 9_000]);
        var next = new MembershipSnapshot(2, "a", states, live);
        ClusterSnapshot after = next.For(rf2);
        Assert.Equal(["a", "b", "d"], after.Ring.Members.Select(m => m.Node.Endpoint));
        Assert.Null(after.Ring.FindMember("c"));
        Assert.True(after.Pending.IsEmpty);
        Assert.Empty(after.Joining);
        Assert.True(after.Sequence > snap.Sequence);
    }

    [Fact]
    public void Leaving_node_still_owns_and_is_listed_as_leaving()
    {
        var states = new Dictionary<string, EndpointState>
        {
            ["a"] = State(NodeStatus.Normal, [-5_000]),
            ["b"] = State(NodeStatus.Normal, [0]),
            ["c"] = State(NodeStatus.Leaving, [5_000]),
        };
        ClusterSnapshot snap = ClusterSnapshot.Build(states, new SimpleStrategy(1));
        Assert.Equal(3, snap.Ring.Members.Count);
        Assert.Equal(["c"], snap.Leaving);
        Assert.False(snap.Pending.IsEmpty);
        Assert.Equal("a", Assert.Single(snap.Pending.PendingFor(new Token(2_000))).Endpoint);
    }
}
