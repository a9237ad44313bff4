namespace RingStore.Storage.Snapshots;

/// <summary>A table already has a snapshot with the requested tag on this node (tags are never overwritten).</summary>
public sealed class SnapshotExistsException(string message) : InvalidOperationException(message);
