namespace RingStore.Node.Messaging;

/// <summary>
/// One request awaiting its response. Exactly one of response, failure, timeout or cancellation completes it
/// (first wins, via <see cref="_done"/>); completing removes it from its owner's table so late responses are ignored.
/// </summary>
internal sealed class PendingRequest
{
    private readonly TaskCompletionSource<Response> _completion;
    private readonly Action<PendingRequest> _onDone;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;
    private int _done;
    private int _sent;

    public PendingRequest(long id, PeerAddress peer, Verb verb, TimeSpan timeout, bool runContinuationsAsynchronously, Action<PendingRequest> onDone)
    {
        Id = id;
        Peer = peer;
        Verb = verb;
        Timeout = timeout;
        _onDone = onDone;

        // Over TCP, continuations must not run on a connection's read loop; the in-memory network wants them inline
        // so that a simulation step is deterministic.
        _completion = new TaskCompletionSource<Response>(
            runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
    }

    public long Id { get; }

    public PeerAddress Peer { get; }

    public Verb Verb { get; }

    public TimeSpan Timeout { get; }

    public Task<Response> Task => _completion.Task;

    public bool IsCompleted => Volatile.Read(ref _done) != 0;

    /// <summary>True once a writer took it from the queue: from then on a dead connection means "outcome unknown".</summary>
    public bool IsSent => Volatile.Read(ref _sent) != 0;

    public void MarkSent() => Volatile.Write(ref _sent, 1);

    /// <summary>Arms the timeout and the caller's cancellation. Call after the request is registered in its table.</summary>
    public void Start(TimeProvider time, CancellationToken cancellationToken)
    {
        _timer = time.CreateTimer(static s => ((PendingRequest)s!).TimeOut(), this, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((PendingRequest)s!).Cancel(token), this);
        }

        // The request may have completed before the timer existed; do not leave the timer behind.
        if (IsCompleted)
        {
            _timer.Dispose();
        }
    }

    public void Complete(Response response)
    {
        if (TryFinish())
        {
            _completion.TrySetResult(response);
        }
    }

    public void Fail(RequestFailureReason reason, string detail)
    {
        if (TryFinish())
        {
            _completion.TrySetException(new RequestFailedException(Peer, Verb, reason, detail));
        }
    }

    private void TimeOut()
    {
        if (TryFinish())
        {
            _completion.TrySetException(new RequestTimeoutException(Peer, Verb, Timeout));
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (TryFinish())
        {
            _completion.TrySetCanceled(token);
        }
    }

    private bool TryFinish()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return false;
        }

        _timer?.Dispose();
        _cancellation.Unregister();
        _onDone(this);
        return true;
    }
}
