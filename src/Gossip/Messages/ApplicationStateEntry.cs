using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>
/// One application state on the wire. The key is the raw int so a state unknown to this build
/// (added by a newer node) still round-trips and propagates.
/// </summary>
[MessagePackObject]
public readonly record struct ApplicationStateEntry(
    [property: Key(0)] int Key,
    [property: Key(1)] string Value,
    [property: Key(2)] int Version);
