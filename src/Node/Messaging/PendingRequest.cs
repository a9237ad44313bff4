namespace RingStore.Node.Messaging;

/// <summary>
/// One request awaiting its response. Exactly one of response, failure, timeout or cancellation completes it (first
/// wins); completing removes it from its owner's table so late responses are ignored. The outcome goes to a task
/// (<see cref="Task"/>) or, for requests sent with a callback, to an <see cref="IResponseHandler"/> (then no task is
/// allocated). The timeout is an entry on the messaging service's shared <see cref="DeadlineWheel"/> (no timer per
/// request); without a wheel (the in-memory network) it is a timer of its own.
/// </summary>
/// <remarks>
/// Callback requests are pooled (<see cref="PendingRequestPool"/>): once finished, the object is reused for another
/// request id. Everything that can reach a request after it finished (a late response found in the table just before
/// removal, the wheel firing it, the outbound queue's writer, a connection-loss sweep) names the request id it means, and
/// the request acts only while that id is its live one (<see cref="_live"/>, swapped to 0 by the one that finishes it),
/// so a late event for a recycled request can never complete a different one. It goes back to the pool only when both
/// its sender (done with <see cref="Start"/> and the enqueue) and its outcome (done with the callback) have let go.
/// </remarks>
internal sealed class PendingRequest : DeadlineEntry
{
    private readonly PendingRequestPool? _pool;
    private TaskCompletionSource<Response>? _completion;
    private IResponseHandler? _handler;
    private object? _state;
    private Action<long> _onDone = static _ => { };
    private ITimer? _timer;
    private DeadlineWheel? _deadlines;
    private CancellationTokenRegistration _cancellation;
    private long _live;   // the request id while it awaits its outcome; 0 once finished (ids start at 1)
    private long _sentId; // the id a writer took from the queue
    private int _holds;   // pooled: the sender and the outcome; the last to let go returns it

    public PendingRequest(long id, PeerAddress peer, Verb verb, TimeSpan timeout, bool runContinuationsAsynchronously, Action<long> onDone)
    {
        Reset(id, peer, verb, timeout, onDone);

        // Over TCP, continuations must not run on a connection's read loop; the in-memory network wants them inline
        // so that a simulation step is deterministic.
        _completion = new TaskCompletionSource<Response>(
            runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
    }

    /// <summary>A request whose outcome goes to <paramref name="handler"/>, called on whichever thread completes it.</summary>
    public PendingRequest(long id, PeerAddress peer, Verb verb, TimeSpan timeout, IResponseHandler handler, object? state, Action<long> onDone)
    {
        Reset(id, peer, verb, timeout, onDone);
        _handler = handler;
        _state = state;
    }

    /// <summary>An empty pooled request; <see cref="PendingRequestPool.Rent"/> fills it.</summary>
    internal PendingRequest(PendingRequestPool pool) => _pool = pool;

    /// <summary>The current request id: read it only while holding the request (the sender before it lets go).</summary>
    public long Id { get; private set; }

    public PeerAddress Peer { get; private set; } = null!;

    public Verb Verb { get; private set; }

    public TimeSpan Timeout { get; private set; }

    public Task<Response> Task => _completion?.Task ?? throw new InvalidOperationException("This request reports to a handler.");

    /// <summary>True while request <paramref name="id"/> awaits its outcome in this object.</summary>
    public bool IsLive(long id) => Volatile.Read(ref _live) == id;

    /// <summary>True once a writer took request <paramref name="id"/> from the queue: from then on a dead connection means "outcome unknown".</summary>
    public bool IsSent(long id) => Volatile.Read(ref _sentId) == id;

    public void MarkSent(long id) => Volatile.Write(ref _sentId, id);

    /// <summary>Fills a pooled request for a callback request (the pool calls it; the request is not shared yet).</summary>
    internal void Fill(long id, PeerAddress peer, Verb verb, TimeSpan timeout, IResponseHandler handler, object? state, Action<long> onDone)
    {
        Reset(id, peer, verb, timeout, onDone);
        _handler = handler;
        _state = state;
        Volatile.Write(ref _holds, 2);
    }

    private void Reset(long id, PeerAddress peer, Verb verb, TimeSpan timeout, Action<long> onDone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(id, 1);
        Id = id;
        Peer = peer;
        Verb = verb;
        Timeout = timeout;
        _onDone = onDone;
        _sentId = 0;
        _timer = null;
        _cancellation = default;
        Volatile.Write(ref _live, id);
    }

    /// <summary>
    /// Arms the timeout (on <paramref name="deadlines"/>, or a timer of its own when null) and the caller's cancellation.
    /// Call after the request is registered in its table, while holding it.
    /// </summary>
    public void Start(TimeProvider time, DeadlineWheel? deadlines, CancellationToken cancellationToken)
    {
        long id = Id;
        if (deadlines is not null)
        {
            Volatile.Write(ref _deadlines, deadlines);
            deadlines.Register(this, Timeout, id);
        }
        else
        {
            _timer = time.CreateTimer(static s => { var r = (PendingRequest)s!; r.TimeOut(r.Id); }, this, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((PendingRequest)s!).Cancel(token), this);
        }

        // The request may have completed before its deadline was armed; do not leave the timer or the entry behind.
        if (!IsLive(id))
        {
            _timer?.Dispose();
            deadlines?.Unregister(this);
        }
    }

    /// <summary>The wheel's deadline passed (the ticket is the request id it was registered with).</summary>
    protected internal override void OnDeadline(long ticket) => TimeOut(ticket);

    public void Complete(long id, Response response)
    {
        if (TryFinish(id))
        {
            if (_handler is { } handler) handler.OnResponse(_state, response.Payload);
            else _completion!.TrySetResult(response);
            Release();
        }
    }

    /// <summary>As <see cref="Complete(long, Response)"/>; the response object is made only for a task.</summary>
    public void Complete(long id, Verb verb, ReadOnlyMemory<byte> payload)
    {
        if (TryFinish(id))
        {
            if (_handler is { } handler) handler.OnResponse(_state, payload);
            else _completion!.TrySetResult(new Response(Peer, verb, payload));
            Release();
        }
    }

    public void Fail(long id, RequestFailureReason reason, string detail)
    {
        if (TryFinish(id))
        {
            Failed(new RequestFailedException(Peer, Verb, reason, detail));
        }
    }

    private void TimeOut(long id)
    {
        if (TryFinish(id))
        {
            Failed(new RequestTimeoutException(Peer, Verb, Timeout));
        }
    }

    /// <summary>Only task requests take a cancellation token, and those are never pooled: the id cannot change under it.</summary>
    private void Cancel(CancellationToken token)
    {
        if (TryFinish(Id))
        {
            if (_handler is { } handler) handler.OnFailure(_state, new OperationCanceledException(token));
            else _completion!.TrySetCanceled(token);
            Release();
        }
    }

    private void Failed(Exception error)
    {
        if (_handler is { } handler) handler.OnFailure(_state, error);
        else _completion!.TrySetException(error);
        Release();
    }

    private bool TryFinish(long id)
    {
        if (id == 0 || Interlocked.CompareExchange(ref _live, 0, id) != id)
        {
            return false;
        }

        _timer?.Dispose();
        Volatile.Read(ref _deadlines)?.Unregister(this);
        _cancellation.Unregister();
        _onDone(id);
        return true;
    }

    /// <summary>
    /// The sender (after enqueueing) or the outcome (after the callback) lets go; the second one returns a pooled
    /// request to its pool. Nothing for unpooled requests.
    /// </summary>
    public void Release()
    {
        if (_pool is null || Interlocked.Decrement(ref _holds) != 0) return;
        _handler = null;
        _state = null;
        _pool.Return(this);
    }
}
