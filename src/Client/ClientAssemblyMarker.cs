namespace RingStore.Client;

/// <summary>Lets tests find this assembly (for the dependency-rule checks).</summary>
public static class ClientAssemblyMarker;
