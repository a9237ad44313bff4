using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>
/// A gossip message. Union tags are wire values: explicit and append-only. ProtocolVersion lets a node
/// recognise (and later translate) messages from a node of another release during a rolling upgrade.
/// </summary>
[Union(0, typeof(GossipSyn))]
[Union(1, typeof(GossipAck))]
[Union(2, typeof(GossipAck2))]
[Union(3, typeof(GossipShutdown))]
public interface IGossipMessage
{
    int ProtocolVersion { get; }

    string From { get; }
}
