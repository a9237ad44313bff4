namespace RingStore.Storage.Engine;

/// <summary>Engine-wide statistics snapshot.</summary>
public sealed record StorageStats(IReadOnlyList<TableStats> Tables);
