using System.Threading.Tasks.Sources;

namespace RingStore.Storage.CommitLog;

/// <summary>
/// One writer waiting for the group commit that covers its entry, reused from writer to writer: with a batch's
/// TaskCompletionSource and Task.WaitAsync(ct) every write allocated a cancellable promise. Completed either by its
/// batch (<see cref="Complete"/>) or by the writer's token, whichever comes first. The batch's completion reaches the
/// writer through the thread pool (this object is the work item, so queueing allocates nothing): the commit loop never
/// runs a writer's continuation (memtable insert, reply) itself, so the next commit is not held up by them.
/// A waiter goes back to the pool only when its batch completed it: a cancelled one may still be in a batch's list,
/// and that batch's later <see cref="Complete"/> must never reach a writer that reuses it.
/// </summary>
internal sealed class CommitWaiter : IValueTaskSource, IThreadPoolWorkItem
{
    private ManualResetValueTaskSourceCore<bool> _core; // RunContinuationsAsynchronously false: Execute is already on a pool thread
    private readonly Action<CommitWaiter> _return;
    private CancellationTokenRegistration _cancellation;
    private int _finished; // 0 while waiting; 1 once the batch or the token completed it
    private bool _byBatch;
    private Exception? _error;

    public CommitWaiter(Action<CommitWaiter> returnToPool) => _return = returnToPool;

    /// <summary>Arms the waiter for one writer; a token that is already cancelled completes it at once.</summary>
    public ValueTask Start(CancellationToken ct)
    {
        _finished = 0;
        _byBatch = false;
        _error = null;
        var task = new ValueTask(this, _core.Version);
        if (ct.CanBeCanceled)
            _cancellation = ct.UnsafeRegister(static (state, token) => ((CommitWaiter)state!).Cancel(token), this);
        return task;
    }

    /// <summary>The batch's commit finished (<paramref name="error"/> null) or failed; a no-op if the token won.</summary>
    public void Complete(Exception? error)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        _byBatch = true;
        _error = error;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Through the pool as well: the writer's continuation never runs on the thread that cancelled its token.</summary>
    private void Cancel(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        _error = new OperationCanceledException(token);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_error is { } error) _core.SetException(error);
        else _core.SetResult(true);
    }

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            // Waits for a cancellation callback that lost the race, so nothing touches this waiter once it is reused.
            _cancellation.Dispose();
            _cancellation = default;
            bool reuse = _byBatch;
            _core.Reset();
            if (reuse) _return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
