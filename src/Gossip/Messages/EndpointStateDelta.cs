using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>
/// The part of an endpoint's state newer than what the receiver has: always the heartbeat, plus application
/// states above the receiver's version (all of them when the receiver had an older generation or nothing).
/// A struct: an ACK carries one per endpoint whose heartbeat moved, about half the cluster every round, and the
/// wire form is the same as a class's.
/// </summary>
[MessagePackObject]
public readonly record struct EndpointStateDelta(
    [property: Key(0)] string Endpoint,
    [property: Key(1)] int Generation,
    [property: Key(2)] int HeartbeatVersion,
    [property: Key(3)] ApplicationStateEntry[] ApplicationStates);
