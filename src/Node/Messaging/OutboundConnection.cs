using System.Net.Sockets;
using System.Threading.Channels;

namespace RingStore.Node.Messaging;

/// <summary>
/// Our long-lived connection to one peer: carries our requests and one-way messages out, and the peer's
/// responses back. A single loop connects, handshakes, runs a session, and on any failure backs off and
/// reconnects; the queue outlives sessions so one-way messages survive a reconnect.
/// </summary>
internal sealed class OutboundConnection : IAsyncDisposable
{
    private readonly MessagingService _owner;
    private readonly Channel<OutboundMessage> _queue;
    private readonly PendingTable _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<long> _removePending;
    private Task _loop = Task.CompletedTask;
    private volatile bool _unreachable;

    public OutboundConnection(MessagingService owner, PeerAddress peer)
    {
        _owner = owner;
        Peer = peer;
        _removePending = _pending.Remove;

        // Bounded so a long-dead peer cannot eat our memory; the oldest message is the least useful one.
        _queue = Channel.CreateBounded<OutboundMessage>(
            new BoundedChannelOptions(owner.Options.MaxQueuedMessagesPerPeer)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                AllowSynchronousContinuations = false,
            },
            OnDropped);
    }

    public PeerAddress Peer { get; }

    /// <summary>True after a connect attempt failed and until one succeeds; requests then fail fast.</summary>
    public bool IsUnreachable => _unreachable;

    public void Start() => _loop = Task.Run(RunAsync);

    public void EnqueueOneWay(Envelope envelope) => Enqueue(new OutboundMessage(envelope, null));

    public Task<Response> EnqueueRequest(Verb verb, long id, ReadOnlyMemory<byte> payload, TimeSpan timeout, RequestExpiry? expiry,
        CancellationToken cancellationToken)
    {
        var request = new PendingRequest(id, Peer, verb, timeout, runContinuationsAsynchronously: true, _removePending);
        if (_unreachable)
        {
            // Waiting out the timeout would only delay the coordinator's fallback (hint, another replica).
            request.Fail(id, RequestFailureReason.PeerUnreachable, "peer is unreachable (last connect attempt failed)");
            return request.Task;
        }

        _pending.Add(id, request);
        request.Start(_owner.Time, _owner.Deadlines, cancellationToken);
        Enqueue(new OutboundMessage(new Envelope(verb, id, MessageFlags.None, payload, expiry), request));
        return request.Task;
    }

    /// <summary>As the task-returning overload, reporting to <paramref name="handler"/> (no task, no cancellation).</summary>
    public void EnqueueRequest(Verb verb, long id, ReadOnlyMemory<byte> payload, TimeSpan timeout, RequestExpiry? expiry,
        IResponseHandler handler, object? state)
    {
        // Pooled: held by this method until the enqueue, and by its outcome until the callback returns.
        var request = _owner.Requests.Rent(id, Peer, verb, timeout, handler, state, _removePending);
        if (_unreachable)
        {
            request.Fail(id, RequestFailureReason.PeerUnreachable, "peer is unreachable (last connect attempt failed)");
        }
        else
        {
            _pending.Add(id, request);
            request.Start(_owner.Time, _owner.Deadlines, CancellationToken.None);
            Enqueue(new OutboundMessage(new Envelope(verb, id, MessageFlags.None, payload, expiry), request));
        }

        request.Release();
    }

    private void Enqueue(OutboundMessage message)
    {
        if (!_queue.Writer.TryWrite(message))
        {
            message.Request?.Fail(message.Envelope.RequestId, RequestFailureReason.Shutdown, "messaging service is stopping");
        }
    }

    private void OnDropped(OutboundMessage message)
    {
        _owner.Counters.AddDropped();
        MessagingLog.Dropped(_owner.Logger, Peer, message.Envelope.Verb);
        message.Request?.Fail(message.Envelope.RequestId, RequestFailureReason.QueueOverflow, "dropped from a full outbound queue");
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            string reason;
            var connected = false;
            try
            {
                await using var session = await ConnectAsync().ConfigureAwait(false);
                connected = true;
                attempt = 0;
                _unreachable = false;
                reason = await RunSessionAsync(session).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (HandshakeRefusedException ex)
            {
                reason = ex.Message;
            }
#pragma warning disable CA1031 // Any failure of one connection must lead to a reconnect, never to a dead loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                reason = $"{ex.GetType().Name}: {ex.Message}";
            }

            // Requests already written have an unknown outcome and their response can only come on this
            // connection: fail them now rather than at their timeout.
            _unreachable = true;
            var failed = connected
                ? FailPending(sentOnly: true, RequestFailureReason.ConnectionLost, reason)
                : FailPending(sentOnly: false, RequestFailureReason.PeerUnreachable, reason); // never sent: callers can fall back now

            if (_stop.IsCancellationRequested)
            {
                break;
            }

            attempt++;
            var delay = _owner.NextBackoff(attempt);
            if (connected)
            {
                MessagingLog.ConnectionLost(_owner.Logger, Peer, reason, failed);
            }
            else
            {
                MessagingLog.ConnectFailed(_owner.Logger, Peer, attempt, (long)delay.TotalMilliseconds, reason);
            }

            try
            {
                await Task.Delay(delay, _owner.Time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        FailPending(sentOnly: false, RequestFailureReason.Shutdown, "messaging service stopped");
    }

    private async Task<SocketSession> ConnectAsync()
    {
        using var deadline = new CancellationTokenSource(_owner.Options.ConnectTimeout, _owner.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _stop.Token);
        var endPoint = Peer.ToEndPoint();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        SocketSession? session = null;
        try
        {
            await socket.ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
            session = new SocketSession(socket);
            Hello theirs;
            if (_owner.Options.Tls is { } tls)
            {
                try
                {
                    await session.SecureAsync(tls, asServer: false, Peer.Host, linked.Token).ConfigureAwait(false);
                    await session.SendHelloAsync(_owner.LocalHello, linked.Token).ConfigureAwait(false);
                    // With TLS 1.3 the server checks our certificate after our side has finished: its refusal shows
                    // as the connection closing before its Hello arrives.
                    theirs = await session.ReceiveHelloAsync(_owner.Options, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TlsRefusedException or IOException)
                {
                    var reason = ex is TlsRefusedException ? ex.Message
                        : $"the peer closed the connection during the TLS handshake ({ex.Message}); it may have refused our certificate (see its log)";
                    _owner.Counters.AddHandshakeRefused();
                    MessagingLog.TlsRefused(_owner.Logger, Peer.ToString(), reason);
                    throw new HandshakeRefusedException(reason, ex);
                }
            }
            else
            {
                await session.SendHelloAsync(_owner.LocalHello, linked.Token).ConfigureAwait(false);
                theirs = await session.ReceiveHelloAsync(_owner.Options, linked.Token).ConfigureAwait(false);
            }

            if (SocketSession.Validate(theirs, _owner.Options) is { } refusal)
            {
                _owner.Counters.AddHandshakeRefused();
                MessagingLog.HandshakeRefused(_owner.Logger, Peer.ToString(), refusal);
                throw new HandshakeRefusedException(refusal);
            }

            _owner.Counters.AddConnectionEstablished();
            MessagingLog.Connected(_owner.Logger, Peer, theirs.HostId);
            return session;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            await DisposeQuietly(session, socket).ConfigureAwait(false);
            throw new TimeoutException($"connect and handshake took longer than {_owner.Options.ConnectTimeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            await DisposeQuietly(session, socket).ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask DisposeQuietly(SocketSession? session, Socket socket)
    {
        if (session is not null)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            socket.Dispose();
        }
    }

    /// <summary>Runs the write and read loops until either ends; returns why the session ended.</summary>
    private async Task<string> RunSessionAsync(SocketSession session)
    {
        using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var options = _owner.Options;
        var write = FrameIo.WriteLoopAsync(_queue.Reader, session.Writer, options.FlushThresholdBytes, _owner.Counters, _owner.Time, sessionStop.Token);
        var read = FrameIo.ReadLoopAsync(session.Reader, options.MaxFrameBytes, OnResponse, _owner.Time, sessionStop.Token);
        var first = await Task.WhenAny(write, read).ConfigureAwait(false);
        await sessionStop.CancelAsync().ConfigureAwait(false);
        await session.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(write, read).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The first loop's outcome is the reason; the other one only fails because we closed it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        if (first.Exception?.GetBaseException() is FrameFormatException bad)
        {
            _owner.Counters.AddBadFrameClose();
            MessagingLog.BadFrame(_owner.Logger, Peer.ToString(), bad.Message);
            return $"bad frame: {bad.Message}";
        }

        return first.Exception?.GetBaseException().Message ?? (first == read ? "peer closed the connection" : "writer stopped");
    }

    private void OnResponse(Envelope envelope)
    {
        if (!envelope.IsResponse)
        {
            throw new FrameFormatException($"peer sent a {envelope.Verb} request on our outbound connection");
        }

        _owner.Counters.AddFrameReceived();
        if (!_pending.TryGet(envelope.RequestId, out var request))
        {
            _owner.Counters.AddLateResponse();
            return;
        }

        if (envelope.IsFailure)
        {
            var (reason, detail) = FrameCodec.DecodeFailure(envelope.Payload);
            request.Fail(envelope.RequestId, reason, detail);
        }
        else
        {
            // The id again: the request may have timed out and been reused since the lookup; then this does nothing.
            request.Complete(envelope.RequestId, envelope.Verb, envelope.Payload);
        }
    }

    private int FailPending(bool sentOnly, RequestFailureReason reason, string detail)
    {
        var failed = 0;
        foreach (var (id, request) in _pending.Snapshot())
        {
            if (!sentOnly || request.IsSent(id))
            {
                request.Fail(id, reason, detail);
                failed++;
            }
        }

        return failed;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
