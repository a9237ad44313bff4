using RingStore.Gossip.Messages;

namespace RingStore.Gossip.Protocol;

/// <summary>A message the transport must deliver (best effort: gossip tolerates loss).</summary>
public readonly record struct OutgoingMessage(string To, IGossipMessage Message);
