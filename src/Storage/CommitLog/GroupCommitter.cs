using Microsoft.Extensions.Logging;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// Group mode: a writer is acknowledged only after a commit (flush + fsync + metadata) that covers its entry.
/// The first writer to arrive opens a batch; the commit loop waits the group-commit window so writers arriving
/// meanwhile join the same batch, then issues one commit for all of them.
/// Why it is correct: a writer's entry is in the log buffer before it joins a batch (under the lock), and the loop
/// closes the batch (under the same lock) before the commit reads the log tail, so the tail covers every member.
/// </summary>
internal sealed class GroupCommitter : ILogSyncer
{
    private readonly Func<Task> _commit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _batchOpened = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource? _openBatch;

    public GroupCommitter(Func<Task> commit, TimeSpan window, TimeProvider time, ILogger logger)
    {
        _commit = commit;
        _window = window;
        _time = time;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    public ValueTask AfterAppendAsync(CancellationToken ct)
    {
        Task batch;
        lock (_gate)
        {
            if (_openBatch is null)
            {
                _openBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _batchOpened.Release();
            }
            batch = _openBatch.Task;
        }
        return new ValueTask(ct.CanBeCanceled ? batch.WaitAsync(ct) : batch);
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            try
            {
                await _batchOpened.WaitAsync(_stop.Token).ConfigureAwait(false);
                if (_window > TimeSpan.Zero)
                    await Task.Delay(_window, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown: still commit the open batch below so no waiting writer is left hanging.
            }

            TaskCompletionSource? batch;
            lock (_gate)
            {
                batch = _openBatch;
                _openBatch = null;
            }
            if (batch is not null)
            {
                try
                {
                    await _commit().ConfigureAwait(false);
                    batch.TrySetResult();
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Group commit failed; failing the writers of this batch");
                    batch.TrySetException(ex);
                }
            }
            if (_stop.IsCancellationRequested)
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_gate)
        {
            // A writer that raced with shutdown after the last commit: its entry may still be made durable by the
            // owner's final commit, but we cannot promise it, so it is not acknowledged.
            _openBatch?.TrySetException(new ObjectDisposedException(nameof(CommitLog)));
            _openBatch = null;
        }
        _stop.Dispose();
        _batchOpened.Dispose();
    }
}
