namespace RingStore.Storage.Engine;

/// <summary>
/// What <see cref="StorageEngine.ImportAsync"/> added: the new SSTable's size on disk, its partition count and its
/// generation (0 bytes, 0 partitions and generation 0 when nothing was imported).
/// </summary>
public sealed record StreamImportResult(long Bytes, int Partitions, int Generation);
