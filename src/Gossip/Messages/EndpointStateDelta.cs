using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>
/// The part of an endpoint's state newer than what the receiver has: always the heartbeat, plus application
/// states above the receiver's version (all of them when the receiver had an older generation or nothing).
/// </summary>
[MessagePackObject]
public sealed record EndpointStateDelta(
    [property: Key(0)] string Endpoint,
    [property: Key(1)] int Generation,
    [property: Key(2)] int HeartbeatVersion,
    [property: Key(3)] ApplicationStateEntry[] ApplicationStates);
