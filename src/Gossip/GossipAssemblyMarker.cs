namespace RingStore.Gossip;

/// <summary>Anchors the assembly for architecture tests.</summary>
public static class GossipAssemblyMarker;
