using RingStore.Gossip.Messages;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Protocol;

public class GossiperTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);

    private static Gossiper Node(string name, int generation, params string[] seeds)
    {
        var g = new Gossiper(name, new GossiperOptions { Seeds = seeds, QuarantineDelay = TimeSpan.FromSeconds(30), LeftStateRetention = TimeSpan.FromSeconds(30) }, new Random(1));
        g.Start(generation, [KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal), KeyValuePair.Create(ApplicationState.HostId, name + "-id")]);
        return g;
    }

    /// <summary>Delivers every message between the two nodes until none are left (a lossless round).</summary>
    private static List<GossipEvent> Exchange(GossipOutput first, Gossiper a, Gossiper b, TimeSpan now)
    {
        var events = new List<GossipEvent>(first.Events);
        var pending = new Queue<OutgoingMessage>(first.Messages);
        while (pending.TryDequeue(out var m))
        {
            Gossiper target = m.To == a.LocalEndpoint ? a : m.To == b.LocalEndpoint ? b : throw new InvalidOperationException(m.To);
            GossipOutput output = target.Receive(m.Message, now);
            events.AddRange(output.Events);
            foreach (var next in output.Messages)
            {
                pending.Enqueue(next);
            }
        }
        return events;
    }

    [Fact]
    public void A_seed_round_makes_both_nodes_know_each_other()
    {
        Gossiper a = Node("a", 1, "b"), b = Node("b", 1, "b");
        GossipOutput tick = a.Tick(T0);
        Assert.Equal("b", Assert.Single(tick.Messages).To); // no live peers: gossip to the seed
        var events = Exchange(tick, a, b, T0);
        Assert.Equal("a-id", b.States["a"].Get(ApplicationState.HostId));
        Assert.Equal("b-id", a.States["b"].Get(ApplicationState.HostId));
        Assert.Contains(events, e => e.Kind == GossipEventKind.Joined && e.Endpoint == "a");
        Assert.Contains(events, e => e.Kind == GossipEventKind.Up && e.Endpoint == "b");
        Assert.True(a.IsAlive("b") && b.IsAlive("a"));
    }

    [Fact]
    public void State_changes_flow_with_higher_versions_and_raise_events()
    {
        Gossiper a = Node("a", 1, "b"), b = Node("b", 1, "b");
        Exchange(a.Tick(T0), a, b, T0);
        a.SetApplicationState(ApplicationState.Schema, "v2");
        var events = Exchange(b.Tick(T0 + TimeSpan.FromSeconds(1)), a, b, T0 + TimeSpan.FromSeconds(1));
        Assert.Equal("v2", b.States["a"].Get(ApplicationState.Schema));
        Assert.Contains(events, e => e is { Kind: GossipEventKind.StateChanged, Endpoint: "a", State: ApplicationState.Schema, Value: "v2" });
    }

    [Fact]
    public void Restarted_node_with_higher_generation_wins_over_its_old_state()
    {
        Gossiper a = Node("a", 1, "b"), b = Node("b", 1, "b");
        a.SetApplicationState(ApplicationState.Schema, "old");
        for (int i = 0; i < 5; i++)
        {
            a.SetApplicationState(ApplicationState.Load, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Exchange(a.Tick(T0), a, b, T0);
        Gossiper restarted = Node("a", 2, "b"); // version counter starts again at 0
        var events = Exchange(restarted.Tick(T0 + TimeSpan.FromSeconds(5)), restarted, b, T0 + TimeSpan.FromSeconds(5));
        Assert.Equal(2, b.States["a"].Heartbeat.Generation);
        Assert.Null(b.States["a"].Get(ApplicationState.Schema)); // nothing of the old incarnation survives
        Assert.Contains(events, e => e.Kind == GossipEventKind.Restarted && e.Endpoint == "a");

        // The old generation arriving late is ignored.
        var stale = new GossipAck2(1, "x", [new EndpointStateDelta("a", 1, 999, [new ApplicationStateEntry(7, "stale", 999)])]);
        b.Receive(stale, T0 + TimeSpan.FromSeconds(6));
        Assert.Equal(2, b.States["a"].Heartbeat.Generation);
    }

    [Fact]
    public void Shutdown_announcement_marks_the_node_down_at_once()
    {
        Gossiper a = Node("a", 1, "b"), b = Node("b", 1, "b");
        Exchange(a.Tick(T0), a, b, T0);
        var events = Exchange(a.Shutdown(), a, b, T0 + TimeSpan.FromSeconds(1));
        Assert.False(b.IsAlive("a"));
        Assert.Contains(events, e => e.Kind == GossipEventKind.Down && e.Endpoint == "a");
        Assert.Equal(NodeStatus.Shutdown, b.States["a"].Status);
    }

    [Fact]
    public void Other_cluster_names_are_ignored()
    {
        Gossiper a = Node("a", 1, "b");
        var b = new Gossiper("b", new GossiperOptions { ClusterName = "other" }, new Random(2));
        b.Start(1, []);
        Exchange(a.Tick(T0), a, b, T0);
        Assert.False(b.States.ContainsKey("a"));
    }

    [Fact]
    public void Left_node_is_quarantined_then_forgotten_and_not_resurrected_by_stale_gossip()
    {
        Gossiper a = Node("a", 1, "b"), b = Node("b", 1, "b");
        Exchange(a.Tick(T0), a, b, T0);
        a.SetApplicationState(ApplicationState.Status, NodeStatus.Left);
        var events = Exchange(a.Tick(T0 + TimeSpan.FromSeconds(1)), a, b, T0 + TimeSpan.FromSeconds(1));
        Assert.Contains(events, e => e.Kind == GossipEventKind.Left && e.Endpoint == "a");
        Assert.False(b.IsAlive("a"));
        Assert.True(b.States.ContainsKey("a")); // kept during quarantine so the news spreads

        var removed = b.Tick(T0 + TimeSpan.FromSeconds(32));
        Assert.Contains(removed.Events, e => e.Kind == GossipEventKind.Removed && e.Endpoint == "a");
        Assert.False(b.States.ContainsKey("a"));

        // A peer that has not forgotten yet gossips the old generation back: ignored.
        var stale = new GossipAck2(1, "c", [new EndpointStateDelta("a", 1, 50, [new ApplicationStateEntry(0, NodeStatus.Left, 40)])]);
        b.Receive(stale, T0 + TimeSpan.FromSeconds(33));
        Assert.False(b.States.ContainsKey("a"));
        // A new incarnation of the same address may join again.
        var fresh = new GossipAck2(1, "a", [new EndpointStateDelta("a", 2, 1, [new ApplicationStateEntry(0, NodeStatus.Boot, 1)])]);
        b.Receive(fresh, T0 + TimeSpan.FromSeconds(34));
        Assert.Equal(NodeStatus.Boot, b.States["a"].Status);
    }

    [Fact]
    public void A_left_node_is_kept_for_the_left_retention_not_probed_and_its_stale_normal_state_loses()
    {
        var options = new GossiperOptions { Seeds = ["b"], QuarantineDelay = TimeSpan.FromSeconds(30) };
        var a = new Gossiper("a", options, new Random(1));
        var b = new Gossiper("b", options, new Random(1));
        a.Start(1, [KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal)]);
        b.Start(1, [KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal)]);
        Exchange(a.Tick(T0), a, b, T0);
        a.SetApplicationState(ApplicationState.Status, NodeStatus.Left);
        var events = Exchange(a.Tick(T0 + TimeSpan.FromSeconds(1)), a, b, T0 + TimeSpan.FromSeconds(1));
        Assert.Contains(events, e => e.Kind == GossipEventKind.Left && e.Endpoint == "a");
        Assert.Contains(events, e => e.Kind == GossipEventKind.Down && e.Endpoint == "a");
        Assert.DoesNotContain("a", b.LiveEndpoints);
        Assert.DoesNotContain("a", b.UnreachableEndpoints); // never probed: it will not come back as itself

        // Far past two quarantines, a peer cut off all along gossips the leaver's old NORMAL state: the LEFT b holds wins.
        TimeSpan later = T0 + TimeSpan.FromHours(1);
        b.Tick(later);
        var stale = new GossipAck2(1, "c", [new EndpointStateDelta("a", 1, 5, [new ApplicationStateEntry(0, NodeStatus.Normal, 1)])]);
        b.Receive(stale, later);
        Assert.Equal(NodeStatus.Left, b.States["a"].Status);

        var forgotten = b.Tick(T0 + options.LeftStateRetention + TimeSpan.FromSeconds(2));
        Assert.Contains(forgotten.Events, e => e.Kind == GossipEventKind.Removed && e.Endpoint == "a");
        Assert.False(b.States.ContainsKey("a"));
    }

    [Fact]
    public void An_endpoint_scheduled_for_forgetting_is_forgotten_after_the_quarantine_and_not_resurrected()
    {
        // A removed or replaced node says nothing itself (it is dead): the node decides from the ring and schedules it.
        Gossiper a = Node("a", 1, "b"), b = Node("b", 1, "b");
        Exchange(a.Tick(T0), a, b, T0);
        b.ScheduleForget("a", T0 + TimeSpan.FromSeconds(1));
        b.ScheduleForget("b", T0 + TimeSpan.FromSeconds(1)); // itself: ignored
        Assert.True(b.States.ContainsKey("a"));
        Assert.DoesNotContain(b.Tick(T0 + TimeSpan.FromSeconds(20)).Events, e => e.Kind == GossipEventKind.Removed);
        var removed = b.Tick(T0 + TimeSpan.FromSeconds(32));
        Assert.Contains(removed.Events, e => e.Kind == GossipEventKind.Removed && e.Endpoint == "a");
        Assert.False(b.States.ContainsKey("a"));
        Assert.True(b.States.ContainsKey("b"));
        var stale = new GossipAck2(1, "c", [new EndpointStateDelta("a", 1, 50, [new ApplicationStateEntry(0, NodeStatus.Normal, 40)])]);
        b.Receive(stale, T0 + TimeSpan.FromSeconds(33));
        Assert.False(b.States.ContainsKey("a"));
    }
}
