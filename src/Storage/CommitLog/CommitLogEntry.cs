namespace RingStore.Storage.CommitLog;

/// <summary>One replayed entry: its log position (as returned by <see cref="CommitLog.AppendAsync"/>) and its payload.</summary>
public readonly record struct CommitLogEntry(long Position, byte[] Payload);
