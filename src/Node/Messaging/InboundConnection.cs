using System.Threading.Channels;

namespace RingStore.Node.Messaging;

/// <summary>
/// A connection a peer opened to us: it carries the peer's requests and one-way messages in, and our responses
/// back out. Handlers run off the read loop so a slow handler never stalls other requests on the connection.
/// </summary>
internal sealed class InboundConnection : IAsyncDisposable
{
    private readonly MessagingService _owner;
    private readonly SocketSession _session;
    private readonly CancellationTokenSource _stop;

    // Unbounded: it only ever holds responses to requests this peer sent, which the peer bounds by its own timeouts.
    private readonly Channel<OutboundMessage> _responses = Channel.CreateUnbounded<OutboundMessage>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    /// <summary>Finished request trips kept for reuse (see <see cref="InboundRequest"/>), at most <see cref="MaxIdleRequests"/>.</summary>
    private readonly Stack<InboundRequest> _idle = new();

    private const int MaxIdleRequests = 1024;

    private PeerAddress _sender = new(string.Empty, 0);
    private Task _loop = Task.CompletedTask;

    public InboundConnection(MessagingService owner, SocketSession session, CancellationToken serviceStopping)
    {
        _owner = owner;
        _session = session;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping);
    }

    public Task Completion => _loop;

    public void Start() => _loop = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        var options = _owner.Options;
        string reason;
        try
        {
            if (!await HandshakeAsync().ConfigureAwait(false))
            {
                return;
            }

            var write = FrameIo.WriteLoopAsync(_responses.Reader, _session.Writer, options.FlushThresholdBytes, _owner.Counters, _owner.Time, _stop.Token);
            var read = FrameIo.ReadLoopAsync(_session.Reader, options.MaxFrameBytes, OnRequest, _owner.Time, _stop.Token);
            var first = await Task.WhenAny(read, write).ConfigureAwait(false);
            reason = first.Exception?.GetBaseException() is { } ex ? ex.Message : "peer closed the connection";
            if (first.Exception?.GetBaseException() is FrameFormatException bad)
            {
                _owner.Counters.AddBadFrameClose();
                MessagingLog.BadFrame(_owner.Logger, _session.Remote, bad.Message);
            }

            await _stop.CancelAsync().ConfigureAwait(false);
            _responses.Writer.TryComplete();
            await _session.DisposeAsync().ConfigureAwait(false);
            await Task.WhenAll(read, write).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = "closed";
        }
#pragma warning disable CA1031 // One peer's broken connection must never escape into the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            reason = ex.Message;
        }
        finally
        {
            await _session.DisposeAsync().ConfigureAwait(false);
            _owner.Forget(this);
            _stop.Dispose();
        }

        MessagingLog.InboundClosed(_owner.Logger, _session.Remote, reason);
    }

    /// <summary>TLS first when on (their certificate must chain to our CA); then reads their Hello, answers with ours (so they can log a refusal too), then validates theirs.</summary>
    private async Task<bool> HandshakeAsync()
    {
        var options = _owner.Options;
        using var deadline = new CancellationTokenSource(options.ConnectTimeout, _owner.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _stop.Token);
        if (options.Tls is { } tls)
        {
            try
            {
                await _session.SecureAsync(tls, asServer: true, targetHost: string.Empty, linked.Token).ConfigureAwait(false);
            }
            catch (TlsRefusedException ex)
            {
                _owner.Counters.AddHandshakeRefused();
                MessagingLog.TlsRefused(_owner.Logger, _session.Remote, ex.Message);
                return false;
            }
        }

        Hello theirs;
        try
        {
            theirs = await _session.ReceiveHelloAsync(options, linked.Token).ConfigureAwait(false);
        }
        catch (FrameFormatException ex)
        {
            _owner.Counters.AddBadFrameClose();
            MessagingLog.BadFrame(_owner.Logger, _session.Remote, $"in hello: {ex.Message}");
            return false;
        }

        await _session.SendHelloAsync(_owner.LocalHello, linked.Token).ConfigureAwait(false);
        if (SocketSession.Validate(theirs, options) is { } refusal)
        {
            _owner.Counters.AddHandshakeRefused();
            MessagingLog.HandshakeRefused(_owner.Logger, _session.Remote, refusal);
            return false;
        }

        _sender = theirs.Address;
        return true;
    }

    private void OnRequest(Envelope envelope)
    {
        if (envelope.IsResponse)
        {
            throw new FrameFormatException($"peer sent a {envelope.Verb} response on its own outbound connection");
        }

        _owner.Counters.AddFrameReceived();

        // Off the read loop: a handler that blocks (disk, locks) must not stall the requests queued behind it.
        RentRequest().Start(envelope);
    }

    private void Respond(Envelope? response)
    {
        if (response is { } r)
        {
            // After the connection closed the response has nowhere to go; the caller times out or already failed.
            _responses.Writer.TryWrite(new OutboundMessage(r, null));
        }
    }

    private InboundRequest RentRequest()
    {
        lock (_idle)
        {
            if (_idle.TryPop(out var idle)) return idle;
        }

        return new InboundRequest(this);
    }

    private void ReturnRequest(InboundRequest request)
    {
        lock (_idle)
        {
            if (_idle.Count < MaxIdleRequests) _idle.Push(request);
        }
    }

    /// <summary>
    /// One request's trip from the read loop to its response: queued to the thread pool as its own work item, it runs
    /// the dispatcher and, when the handler has not finished synchronously, continues when it does. Reused (kept by
    /// the connection) so a request costs no work-item closure and no async state machine; one trip at a time.
    /// </summary>
    private sealed class InboundRequest : IThreadPoolWorkItem
    {
        private readonly InboundConnection _connection;
        private readonly Action _onHandled;
        private Envelope _request;
        private ValueTask<Envelope?> _dispatch;

        public InboundRequest(InboundConnection connection)
        {
            _connection = connection;
            _onHandled = OnHandled;
        }

        public void Start(Envelope request)
        {
            _request = request;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void Execute()
        {
            var owner = _connection._owner;
            var request = _request;
            _request = default;
            var dispatch = owner.Dispatcher.DispatchAsync(_connection._sender, request, owner.Stopping);
            if (dispatch.IsCompleted)
            {
                Finish(dispatch);
                return;
            }

            _dispatch = dispatch;
            dispatch.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onHandled);
        }

        private void OnHandled()
        {
            var dispatch = _dispatch;
            _dispatch = default;
            Finish(dispatch);
        }

        private void Finish(ValueTask<Envelope?> dispatch)
        {
            // The dispatcher turns every handler failure into a failure response; it does not throw.
            var response = dispatch.GetAwaiter().GetResult();
            _connection.ReturnRequest(this);
            _connection.Respond(response);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The loop already ended and cleaned up.
        }

        await _session.DisposeAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }
}
