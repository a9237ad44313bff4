namespace RingStore.Storage.CommitLog;

/// <summary>
/// <see cref="CommitLogOptions.InlineSync"/>: no background loop and no timer. Group mode: each append commits on the
/// caller before it is acknowledged (durable, as in group mode, just never shared). Periodic mode (no commit given):
/// appends are acknowledged at once and become durable only when the owner calls <see cref="CommitLog.FlushAsync"/>:
/// the caller plays the sync timer (the simulator, on its virtual clock).
/// </summary>
internal sealed class InlineCommitter(Func<Task>? commit) : ILogSyncer
{
    public ValueTask AfterAppendAsync(CancellationToken ct) => commit is null ? ValueTask.CompletedTask : new ValueTask(commit());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
