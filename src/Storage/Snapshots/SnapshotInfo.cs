namespace RingStore.Storage.Snapshots;

/// <summary>
/// One table's snapshot on this node, as <c>listsnapshots</c> shows it. <see cref="Manifest"/> is null for an
/// incomplete snapshot (no manifest: interrupted). <see cref="TrueBytes"/> is what clearing it would free: the
/// bytes of its files whose SSTable is no longer live (compacted or truncated away, or the table dropped); the rest
/// shares its disk blocks with live SSTables through the hard links.
/// </summary>
public sealed record SnapshotInfo(string Keyspace, string Table, Guid TableId, string Tag, string Directory,
    SnapshotManifest? Manifest, long Bytes, long TrueBytes, bool TableIsLive)
{
    public string FullName => $"{Keyspace}.{Table}";
}

/// <summary>What restoring one table's snapshot did on this node.</summary>
public sealed record SnapshotRestoreResult(string Table, string Tag, int SSTables, long Partitions, long Bytes);
