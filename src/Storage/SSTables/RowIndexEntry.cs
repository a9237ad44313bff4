namespace RingStore.Storage.SSTables;

/// <summary>
/// One stretch (~RowIndexIntervalBytes) of a large partition's rows: its first and last clustering
/// keys and where its rows lie, as an offset from the partition's start in the Data stream.
/// </summary>
internal readonly record struct RowIndexEntry(byte[] FirstClustering, byte[] LastClustering, long Offset, long Length);
