using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>One membership event; State and Value are set for StateChanged.</summary>
public sealed record GossipEvent(GossipEventKind Kind, string Endpoint, ApplicationState? State = null, string? Value = null);
