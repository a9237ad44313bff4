namespace RingStore.Node.Messaging;

/// <summary>
/// One request awaiting its response. Exactly one of response, failure, timeout or cancellation completes it
/// (first wins, via <see cref="_done"/>); completing removes it from its owner's table so late responses are ignored.
/// The outcome goes to a task (<see cref="Task"/>) or, for requests sent with a callback, to an
/// <see cref="IResponseHandler"/> (then no task is allocated). The timeout is an entry on the messaging service's shared
/// <see cref="DeadlineWheel"/> (no timer per request); without a wheel (the in-memory network) it is a timer of its own.
/// </summary>
internal sealed class PendingRequest : DeadlineEntry
{
    private readonly TaskCompletionSource<Response>? _completion;
    private readonly IResponseHandler? _handler;
    private readonly object? _state;
    private readonly Action<PendingRequest> _onDone;
    private ITimer? _timer;
    private DeadlineWheel? _deadlines;
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

    /// <summary>A request whose outcome goes to <paramref name="handler"/>, called on whichever thread completes it.</summary>
    public PendingRequest(long id, PeerAddress peer, Verb verb, TimeSpan timeout, IResponseHandler handler, object? state, Action<PendingRequest> onDone)
    {
        Id = id;
        Peer = peer;
        Verb = verb;
        Timeout = timeout;
        _onDone = onDone;
        _handler = handler;
        _state = state;
    }

    public long Id { get; }

    public PeerAddress Peer { get; }

    public Verb Verb { get; }

    public TimeSpan Timeout { get; }

    public Task<Response> Task => _completion?.Task ?? throw new InvalidOperationException("This request reports to a handler.");

    public bool IsCompleted => Volatile.Read(ref _done) != 0;

    /// <summary>True once a writer took it from the queue: from then on a dead connection means "outcome unknown".</summary>
    public bool IsSent => Volatile.Read(ref _sent) != 0;

    public void MarkSent() => Volatile.Write(ref _sent, 1);

    /// <summary>
    /// Arms the timeout (on <paramref name="deadlines"/>, or a timer of its own when null) and the caller's cancellation.
    /// Call after the request is registered in its table.
    /// </summary>
    public void Start(TimeProvider time, DeadlineWheel? deadlines, CancellationToken cancellationToken)
    {
        if (deadlines is not null)
        {
            Volatile.Write(ref _deadlines, deadlines);
            deadlines.Register(this, Timeout, Id);
        }
        else
        {
            _timer = time.CreateTimer(static s => ((PendingRequest)s!).TimeOut(), this, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((PendingRequest)s!).Cancel(token), this);
        }

        // The request may have completed before its deadline was armed; do not leave the timer or the entry behind.
        if (IsCompleted)
        {
            _timer?.Dispose();
            deadlines?.Unregister(this);
        }
    }

    /// <summary>The wheel's deadline for this request passed (the ticket is the request id it was registered with).</summary>
    protected internal override void OnDeadline(long ticket)
    {
        if (ticket == Id) TimeOut();
    }

    public void Complete(Response response)
    {
        if (TryFinish())
        {
            if (_handler is { } handler) handler.OnResponse(_state, response.Payload);
            else _completion!.TrySetResult(response);
        }
    }

    /// <summary>As <see cref="Complete(Response)"/>; the response object is made only for a task.</summary>
    public void Complete(Verb verb, ReadOnlyMemory<byte> payload)
    {
        if (TryFinish())
        {
            if (_handler is { } handler) handler.OnResponse(_state, payload);
            else _completion!.TrySetResult(new Response(Peer, verb, payload));
        }
    }

    public void Fail(RequestFailureReason reason, string detail)
    {
        if (TryFinish())
        {
            Failed(new RequestFailedException(Peer, Verb, reason, detail));
        }
    }

    private void TimeOut()
    {
        if (TryFinish())
        {
            Failed(new RequestTimeoutException(Peer, Verb, Timeout));
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (TryFinish())
        {
            if (_handler is { } handler) handler.OnFailure(_state, new OperationCanceledException(token));
            else _completion!.TrySetCanceled(token);
        }
    }

    private void Failed(Exception error)
    {
        if (_handler is { } handler) handler.OnFailure(_state, error);
        else _completion!.TrySetException(error);
    }

    private bool TryFinish()
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return false;
        }

        _timer?.Dispose();
        Volatile.Read(ref _deadlines)?.Unregister(this);
        _cancellation.Unregister();
        _onDone(this);
        return true;
    }
}
