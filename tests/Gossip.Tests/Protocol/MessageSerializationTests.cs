using RingStore.Gossip.Messages;

namespace RingStore.Gossip.Tests.Protocol;

public class MessageSerializationTests
{
    private static readonly EndpointStateDelta Delta = new("10.0.0.1:7000", 1700000000, 42,
        [new ApplicationStateEntry(0, "NORMAL", 3), new ApplicationStateEntry(999, "from a newer release", 7)]);

    [Fact]
    public void Syn_round_trips()
    {
        var syn = new GossipSyn(1, "a", "cluster", [new GossipDigest("a", 5, 9), new GossipDigest("b", 6, 0)]);
        var back = Assert.IsType<GossipSyn>(GossipMessageSerializer.Deserialize(GossipMessageSerializer.Serialize(syn)));
        Assert.Equal((syn.ProtocolVersion, syn.From, syn.ClusterName), (back.ProtocolVersion, back.From, back.ClusterName));
        Assert.Equal(syn.Digests, back.Digests);
    }

    [Fact]
    public void Ack_Ack2_and_Shutdown_round_trip_with_unknown_state_keys()
    {
        var ack = new GossipAck(1, "b", [new GossipDigest("c", 1, 2)], [Delta]);
        var ackBack = Assert.IsType<GossipAck>(GossipMessageSerializer.Deserialize(GossipMessageSerializer.Serialize(ack)));
        Assert.Equal(ack.Requests, ackBack.Requests);
        AssertDelta(ackBack.States.Single());

        var ack2 = new GossipAck2(1, "a", [Delta]);
        AssertDelta(Assert.IsType<GossipAck2>(GossipMessageSerializer.Deserialize(GossipMessageSerializer.Serialize(ack2))).States.Single());

        var shutdown = new GossipShutdown(1, "a", Delta);
        AssertDelta(Assert.IsType<GossipShutdown>(GossipMessageSerializer.Deserialize(GossipMessageSerializer.Serialize(shutdown))).State);
    }

    private static void AssertDelta(EndpointStateDelta back)
    {
        Assert.Equal((Delta.Endpoint, Delta.Generation, Delta.HeartbeatVersion), (back.Endpoint, back.Generation, back.HeartbeatVersion));
        Assert.Equal(Delta.ApplicationStates, back.ApplicationStates);
    }
}
