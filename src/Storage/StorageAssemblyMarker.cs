namespace RingStore.Storage;

/// <summary>Anchors the assembly for architecture tests.</summary>
public static class StorageAssemblyMarker;
