namespace RingStore.Gossip.State;

/// <summary>
/// One application state value and the version it was set at. Versions come from the owning node's single
/// counter, so "higher version wins" orders every change a node made within one generation.
/// </summary>
public sealed record VersionedValue(string Value, int Version);
