namespace RingStore.Storage.Engine;

/// <summary>
/// What <see cref="StorageEngine.ApplyEncodedAsync"/> applied, read from the bytes it was given: the table's full name
/// (the engine's own string, not a new one) and the partition key.
/// </summary>
public readonly record struct AppliedMutation(string Table, byte[] PartitionKey);
