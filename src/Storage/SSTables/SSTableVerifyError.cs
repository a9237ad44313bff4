namespace RingStore.Storage.SSTables;

/// <summary>
/// One problem <see cref="SSTableReader.Verify"/> found: the file, its component, the block (Data and Index; null for
/// the whole-file components) and what is wrong.
/// </summary>
public sealed record SSTableVerifyError(string File, SSTableComponent Component, long? Block, string Error);
