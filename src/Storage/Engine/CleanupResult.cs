namespace RingStore.Storage.Engine;

/// <summary>
/// What <see cref="StorageEngine.CleanupAsync"/> did. Byte counts cover only the SSTables it rewrote (their size on
/// disk before, and their replacements' after), so the figures are not blurred by concurrent flushes and compactions.
/// <see cref="PartitionsDropped"/> counts per SSTable: a partition present in two rewritten SSTables counts twice.
/// </summary>
public sealed record CleanupResult(long BytesBefore, long BytesAfter, long PartitionsDropped, int SSTablesRewritten);
