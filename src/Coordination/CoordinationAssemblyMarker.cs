namespace RingStore.Coordination;

/// <summary>Anchors the assembly for architecture tests.</summary>
public static class CoordinationAssemblyMarker;
