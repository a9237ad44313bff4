using System.Text;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;
using RingStore.Node.Native;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Tests.Native;

/// <summary>
/// Gossip events become the EVENT frames drivers act on: a joined node is TOPOLOGY_CHANGE NEW_NODE and a departed
/// one REMOVED_NODE, each with the node's native address (how drivers name hosts); up/down is STATUS_CHANGE.
/// The real-driver tests cover STATUS_CHANGE end to end; this pins the topology mapping and the frame body.
/// </summary>
public sealed class NativeTopologyEventTests
{
    private const string Peer = "127.0.0.1:7001";

    private static MembershipSnapshot WithPeer(string? nativeAddress)
    {
        var state = EndpointState.Create(1);
        if (nativeAddress is not null) state = state.With(ApplicationState.NativeAddress, new VersionedValue(nativeAddress, 1));
        return new MembershipSnapshot(1, "127.0.0.1:7000", new Dictionary<string, EndpointState> { [Peer] = state }, new HashSet<string> { Peer });
    }

    /// <summary>The EVENT body: [string type][string change][inet: 1-byte length, address bytes, 4-byte port].</summary>
    private static (string Type, string Change, byte[] Address, int Port) Body(byte[] frame)
    {
        var body = frame.AsSpan(9); // v4 header: version, flags, stream (2), opcode, length (4)
        Assert.Equal(0x0C, frame[4]); // EVENT
        Assert.Equal(-1, (short)(frame[2] << 8 | frame[3]));
        string ReadString(ref ReadOnlySpan<byte> s)
        {
            int n = s[0] << 8 | s[1];
            string text = Encoding.UTF8.GetString(s.Slice(2, n));
            s = s[(2 + n)..];
            return text;
        }
        ReadOnlySpan<byte> rest = body;
        string type = ReadString(ref rest);
        string change = ReadString(ref rest);
        int length = rest[0];
        byte[] address = rest.Slice(1, length).ToArray();
        int port = rest[1 + length] << 24 | rest[2 + length] << 16 | rest[3 + length] << 8 | rest[4 + length];
        return (type, change, address, port);
    }

    [Theory]
    [InlineData(GossipEventKind.Joined, "TOPOLOGY_CHANGE", "NEW_NODE")]
    [InlineData(GossipEventKind.Left, "TOPOLOGY_CHANGE", "REMOVED_NODE")]
    [InlineData(GossipEventKind.Removed, "TOPOLOGY_CHANGE", "REMOVED_NODE")]
    [InlineData(GossipEventKind.Up, "STATUS_CHANGE", "UP")]
    [InlineData(GossipEventKind.Restarted, "STATUS_CHANGE", "UP")]
    [InlineData(GossipEventKind.Down, "STATUS_CHANGE", "DOWN")]
    public void A_gossip_event_becomes_the_driver_event_with_the_native_address(GossipEventKind kind, string type, string change)
    {
        var (eventType, frame) = Assert.Single(NativeEvents.FromGossip(new GossipEvent(kind, Peer), WithPeer("127.0.0.2:9043")));
        Assert.Equal(type, eventType);
        var body = Body(frame);
        Assert.Equal((type, change), (body.Type, body.Change));
        Assert.Equal(new byte[] { 127, 0, 0, 2 }, body.Address);
        Assert.Equal(9043, body.Port);
    }

    [Fact]
    public void No_event_for_state_changes_or_for_a_node_without_a_native_listener()
    {
        Assert.Empty(NativeEvents.FromGossip(new GossipEvent(GossipEventKind.StateChanged, Peer, ApplicationState.Load, "1"), WithPeer("127.0.0.2:9043")));
        Assert.Empty(NativeEvents.FromGossip(new GossipEvent(GossipEventKind.Joined, Peer), WithPeer(null)));
    }
}
