using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>Closes the round: the states the ACK asked for.</summary>
[MessagePackObject]
public sealed record GossipAck2(
    [property: Key(0)] int ProtocolVersion,
    [property: Key(1)] string From,
    [property: Key(2)] EndpointStateDelta[] States) : IGossipMessage;
