namespace RingStore.Gossip.Ring;

/// <summary>
/// One piece of the ring that <see cref="Target"/> will replicate after a topology change and does not now.
/// <see cref="Losing"/> are the current replicas that will no longer hold it (the consistent stream source:
/// every write acknowledged before the change that the target could miss is on the node it replaces);
/// <see cref="Remaining"/> are current replicas that keep it (the fallback source when the losing node is dead).
/// </summary>
public sealed record RangeMovement(TokenRange Range, string Target, IReadOnlyList<string> Losing, IReadOnlyList<string> Remaining);
