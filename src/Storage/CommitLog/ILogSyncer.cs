namespace RingStore.Storage.CommitLog;

/// <summary>How appends become durable: one implementation per <see cref="CommitLogSyncMode"/>.</summary>
internal interface ILogSyncer : IAsyncDisposable
{
    /// <summary>Called after an entry is in the log buffer; completes when the entry may be acknowledged.</summary>
    ValueTask AfterAppendAsync(CancellationToken ct);
}
