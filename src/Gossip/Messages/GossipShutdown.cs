using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>
/// Sent to every live peer on graceful shutdown, with the sender's final state (STATUS=shutdown), so peers
/// mark it down at once instead of waiting ~18 s for the failure detector and timing out requests meanwhile.
/// </summary>
[MessagePackObject]
public sealed record GossipShutdown(
    [property: Key(0)] int ProtocolVersion,
    [property: Key(1)] string From,
    [property: Key(2)] EndpointStateDelta State) : IGossipMessage;
