using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>What a node knows about an endpoint, in a few bytes: its generation and highest version seen.</summary>
[MessagePackObject]
public readonly record struct GossipDigest(
    [property: Key(0)] string Endpoint,
    [property: Key(1)] int Generation,
    [property: Key(2)] int MaxVersion);
