namespace RingStore.Storage.Engine;

/// <summary>Where the disk failed the engine (e.g. "commit log", "flush", "compaction") and the error.</summary>
public sealed record DiskFailure(string Where, Exception Error);
