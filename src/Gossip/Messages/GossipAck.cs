using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>Reply to SYN: states the receiver has newer, and digests of what it wants from the SYN sender.</summary>
[MessagePackObject]
public sealed record GossipAck(
    [property: Key(0)] int ProtocolVersion,
    [property: Key(1)] string From,
    [property: Key(2)] GossipDigest[] Requests,
    [property: Key(3)] EndpointStateDelta[] States) : IGossipMessage;
