using MessagePack;

namespace RingStore.Gossip.Messages;

/// <summary>Round opener: the sender's digest of every endpoint it knows. Carries the cluster name so two clusters sharing a network never merge.</summary>
[MessagePackObject]
public sealed record GossipSyn(
    [property: Key(0)] int ProtocolVersion,
    [property: Key(1)] string From,
    [property: Key(2)] string ClusterName,
    [property: Key(3)] GossipDigest[] Digests) : IGossipMessage;
