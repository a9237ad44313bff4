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
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Connection.Dispatch(state.Envelope), (Connection: this, Envelope: envelope), preferLocal: false);
    }

    private void Dispatch(Envelope envelope)
    {
        var dispatch = _owner.Dispatcher.DispatchAsync(_sender, envelope, _owner.Stopping);
        if (dispatch.IsCompleted)
        {
            Respond(dispatch.Result);
        }
        else
        {
            _ = RespondWhenDoneAsync(dispatch);
        }
    }

    private async Task RespondWhenDoneAsync(ValueTask<Envelope?> dispatch) => Respond(await dispatch.ConfigureAwait(false));

    private void Respond(Envelope? response)
    {
        if (response is { } r)
        {
            // After the connection closed the response has nowhere to go; the caller times out or already failed.
            _responses.Writer.TryWrite(new OutboundMessage(r, null));
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
