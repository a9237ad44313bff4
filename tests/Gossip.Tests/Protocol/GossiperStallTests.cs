using RingStore.Gossip.Messages;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Protocol;

/// <summary>What a gossiper does when it notices it stalled itself (no round for longer than MaxLocalPause).</summary>
public class GossiperStallTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(200);

    private static Gossiper NodeWithPeers(int peers)
    {
        var g = new Gossiper("a", new GossiperOptions(), new Random(3));
        g.Start(1, [KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal)]);
        for (int i = 0; i < peers; i++)
        {
            var state = EndpointState.Create(1).With(ApplicationState.Status, new VersionedValue(NodeStatus.Normal, 1));
            g.InstallState($"p{i}", state, T0);
        }
        return g;
    }

    private static string[] SynTargets(GossipOutput output) =>
        [.. output.Messages.Where(m => m.Message is GossipSyn).Select(m => m.To)];

    [Fact]
    public void First_round_after_a_stall_sends_its_syn_to_sixteen_distinct_peers_instead_of_one()
    {
        Gossiper a = NodeWithPeers(40);
        Assert.Single(SynTargets(a.Tick(T0)));
        Assert.Single(SynTargets(a.Tick(T0 + Round)));
        string[] afterStall = SynTargets(a.Tick(T0 + Round + TimeSpan.FromSeconds(2)));
        Assert.Equal(16, afterStall.Length);
        Assert.Equal(16, afterStall.Distinct().Count());
        Assert.Single(SynTargets(a.Tick(T0 + (Round * 2) + TimeSpan.FromSeconds(2)))); // and back to one
    }

    [Fact]
    public void With_fewer_live_peers_than_the_fan_out_a_stalled_node_syns_every_one_of_them()
    {
        Gossiper a = NodeWithPeers(9);
        a.Tick(T0);
        string[] afterStall = SynTargets(a.Tick(T0 + TimeSpan.FromSeconds(2)));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"p{i}").Order(), afterStall.Order());
    }

    [Fact]
    public void Messages_handled_after_a_stall_before_the_next_round_carry_a_newer_heartbeat()
    {
        Gossiper a = NodeWithPeers(5);
        a.Tick(T0);
        int before = a.LocalState.Heartbeat.Version;
        // A SYN that queued while we were frozen advertises our heartbeat as it was before the stall.
        var syn = new GossipSyn(GossipMessageSerializer.CurrentProtocolVersion, "p0", "ringstore",
            [new GossipDigest("a", 1, before), new GossipDigest("p0", 1, 1)]);
        GossipOutput reply = a.Receive(syn, T0 + TimeSpan.FromSeconds(2));
        var ack = Assert.IsType<GossipAck>(Assert.Single(reply.Messages).Message);
        EndpointStateDelta ours = Assert.Single(ack.States, d => d.Endpoint == "a");
        Assert.True(ours.HeartbeatVersion > before);

        // Without a stall, a message between rounds does not beat the heart.
        Gossiper b = NodeWithPeers(5);
        b.Tick(T0);
        int steady = b.LocalState.Heartbeat.Version;
        b.Receive(syn with { Digests = [new GossipDigest("a", 1, steady), new GossipDigest("p0", 1, 1)] }, T0 + Round / 2);
        Assert.Equal(steady, b.LocalState.Heartbeat.Version);
    }

    [Fact]
    public void A_peer_that_messaged_us_itself_within_the_minimum_silence_is_not_convicted()
    {
        Gossiper a = NodeWithPeers(3);
        for (int i = 0; i <= 14; i++)
        {
            Assert.Empty(a.Tick(T0 + (Round * i)).Events); // rounds run; no newer heartbeat of any peer after T0
        }
        TimeSpan contact = T0 + TimeSpan.FromSeconds(2.9);
        var syn = new GossipSyn(GossipMessageSerializer.CurrentProtocolVersion, "p0", "ringstore",
            [new GossipDigest("p0", 1, 1)]);
        a.Receive(syn, contact);
        // Long enough without a newer heartbeat of p1 or p0: p1 is convicted, p0 (which sent us a SYN at 2.9 s) is not...
        var events = new List<GossipEvent>();
        for (TimeSpan t = T0 + (Round * 15); t <= T0 + TimeSpan.FromSeconds(4.4); t += Round)
        {
            events.AddRange(a.Tick(t).Events);
        }
        Assert.Contains(events, e => e is { Kind: GossipEventKind.Down, Endpoint: "p1" });
        Assert.DoesNotContain(events, e => e.Endpoint == "p0");
        // ...until the minimum silence has passed since that contact too.
        for (TimeSpan t = T0 + TimeSpan.FromSeconds(4.6); t < contact + TimeSpan.FromSeconds(3); t += Round)
        {
            Assert.DoesNotContain(a.Tick(t).Events, e => e.Endpoint == "p0");
        }
        Assert.Contains(a.Tick(contact + TimeSpan.FromSeconds(3.1)).Events, e => e is { Kind: GossipEventKind.Down, Endpoint: "p0" });
    }
}
