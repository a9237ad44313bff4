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

    /// <summary>The writers of the open batch (under the gate); empty = no batch open.</summary>
    private List<CommitWaiter> _openBatch = [];

    /// <summary>The list of the batch the loop finished last, reused for the next one (the loop's alone).</summary>
    private List<CommitWaiter>? _spareBatch;

    /// <summary>Waiters a batch completed and their writers consumed (under the gate), for the next writers.</summary>
    private readonly Stack<CommitWaiter> _freeWaiters = new();
    private const int MaxFreeWaiters = 4096;
    private readonly Action<CommitWaiter> _returnWaiter;

    public GroupCommitter(Func<Task> commit, TimeSpan window, TimeProvider time, ILogger logger)
    {
        _commit = commit;
        _window = window;
        _time = time;
        _logger = logger;
        _returnWaiter = waiter =>
        {
            lock (_gate)
                if (_freeWaiters.Count < MaxFreeWaiters) _freeWaiters.Push(waiter);
        };
        _loop = Task.Run(LoopAsync);
    }

    public ValueTask AfterAppendAsync(CancellationToken ct)
    {
        CommitWaiter waiter;
        ValueTask wait;
        lock (_gate)
        {
            waiter = _freeWaiters.Count > 0 ? _freeWaiters.Pop() : new CommitWaiter(_returnWaiter);
            // Armed before it joins: the batch may complete it as soon as the gate is released.
            wait = waiter.Start(ct);
            if (_openBatch.Count == 0) _batchOpened.Release();
            _openBatch.Add(waiter);
        }
        return wait;
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

            List<CommitWaiter> batch;
            lock (_gate)
            {
                batch = _openBatch;
                _openBatch = _spareBatch ?? [];
                _spareBatch = null;
            }
            if (batch.Count > 0)
            {
                Exception? failure = null;
                try
                {
                    await _commit().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Group commit failed; failing the writers of this batch");
                    failure = ex;
                }
                foreach (var waiter in batch) waiter.Complete(failure);
            }
            batch.Clear();
            _spareBatch = batch;
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
            var disposed = new ObjectDisposedException(nameof(CommitLog));
            foreach (var waiter in _openBatch) waiter.Complete(disposed);
            _openBatch.Clear();
        }
        _stop.Dispose();
        _batchOpened.Dispose();
    }
}
