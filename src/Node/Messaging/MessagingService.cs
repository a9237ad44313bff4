using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RingStore.Node.Messaging;

/// <summary>
/// Internode messaging over TCP. Each node opens one outbound connection per peer for its own requests and
/// one-way messages (responses come back on it) and accepts the peers' connections for theirs, so between two
/// nodes there are exactly two connections, one per direction. See README.md for the wire format and fault model.
/// </summary>
public sealed class MessagingService : IMessagingService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<PeerAddress, OutboundConnection> _outbound = new();
    private readonly ConcurrentDictionary<InboundConnection, byte> _inbound = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Random _random;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private PeerAddress? _localAddress;
    private long _nextRequestId;
    private int _disposed;

    /// <param name="options">Cluster name, timeouts, limits.</param>
    /// <param name="timeProvider">Clock for timeouts and backoff; tests pass a fake one.</param>
    /// <param name="random">Seeded source of reconnect jitter, so a test run is reproducible.</param>
    /// <param name="logger">Receives connection, refusal and handler-failure messages.</param>
    public MessagingService(MessagingOptions options, TimeProvider? timeProvider = null, Random? random = null, ILogger<MessagingService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = timeProvider ?? TimeProvider.System;
        _random = random ?? new Random(0);
        Logger = logger ?? (ILogger)NullLogger.Instance;
        Deadlines = new DeadlineWheel(Time);
        Dispatcher = new VerbDispatcher(Logger, options.MaxFrameBytes - FrameCodec.MaxEnvelopeOverheadBytes, Time, Counters);
    }

    public MessagingOptions Options { get; }

    public MessagingCounters Counters { get; } = new();

    /// <summary>The address peers know this node by: the bound one (with the real port when started on port 0), or <see cref="MessagingOptions.BroadcastHost"/> and that port. Throws before <see cref="StartAsync"/>.</summary>
    public PeerAddress LocalAddress => _localAddress ?? throw new InvalidOperationException("StartAsync has not been called.");

    internal TimeProvider Time { get; }

    /// <summary>The requests' timeouts: one timer for all of them (see <see cref="DeadlineWheel"/>).</summary>
    internal DeadlineWheel Deadlines { get; }

    /// <summary>Reused callback requests (see <see cref="PendingRequest"/>), shared by every connection.</summary>
    internal PendingRequestPool Requests { get; } = new();

    internal ILogger Logger { get; }

    internal VerbDispatcher Dispatcher { get; }

    internal Hello LocalHello { get; private set; } = null!;

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Binds the listener (port 0 picks a free port) and starts accepting peers.</summary>
    public Task StartAsync(PeerAddress listenAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listenAddress);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var endPoint = listenAddress.ToEndPoint();
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

        // A restarted node must be able to bind its port again while old connections sit in TIME_WAIT.
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var bound = (System.Net.IPEndPoint)listener.LocalEndPoint!;
        _localAddress = new PeerAddress(string.IsNullOrEmpty(Options.BroadcastHost) ? listenAddress.Host : Options.BroadcastHost, bound.Port);
        LocalHello = new Hello(Options.ProtocolVersion, Options.ClusterName, Options.HostId, _localAddress);
        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        MessagingLog.Listening(Logger, _localAddress);
        return Task.CompletedTask;
    }

    public void RegisterHandler(Verb verb, IVerbHandler handler) => Dispatcher.Register(verb, handler);

    /// <inheritdoc/>
    public bool IsKnownUnreachable(PeerAddress peer) => _outbound.TryGetValue(peer, out var connection) && connection.IsUnreachable;

    public void SendOneWay(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload)
    {
        CheckSendable(peer, payload);
        ConnectionTo(peer).EnqueueOneWay(new Envelope(verb, Interlocked.Increment(ref _nextRequestId), MessageFlags.OneWay, payload));
    }

    public Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        SendRequestAsync(peer, verb, payload, Options.TimeoutFor(verb), cancellationToken);

    public Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        CheckSendable(peer, payload);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Response>(cancellationToken);
        }

        var expiry = ExpiryOf(Time, verb, timeout);
        return ConnectionTo(peer).EnqueueRequest(verb, Interlocked.Increment(ref _nextRequestId), payload, timeout, expiry, cancellationToken);
    }

    /// <inheritdoc/>
    public void SendRequest(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, TimeSpan timeout, IResponseHandler handler, object? state)
    {
        ArgumentNullException.ThrowIfNull(handler);
        CheckSendable(peer, payload);
        var expiry = ExpiryOf(Time, verb, timeout);
        ConnectionTo(peer).EnqueueRequest(verb, Interlocked.Increment(ref _nextRequestId), payload, timeout, expiry, handler, state);
    }

    /// <summary>
    /// When the receiver may stop a request: at its timeout (past it this node has given up on the answer), or at the
    /// client's deadline when the request serves a client's and that comes first (<see cref="ClientDeadline"/>).
    /// </summary>
    internal static RequestExpiry? ExpiryOf(TimeProvider time, Verb verb, TimeSpan timeout)
    {
        long now = time.GetTimestamp();
        var own = RequestExpiry.After(now, time.TimestampFrequency, timeout);
        if (!ExpiringVerbs.FollowsClientDeadline(verb) || ClientDeadline.Remaining is not { } client) return own;
        return RequestExpiry.Sooner(own, RequestExpiry.After(now, time.TimestampFrequency, client));
    }

    /// <summary>Exponential backoff from Min doubling to Max, with jitter in [delay/2, delay] so peers do not reconnect in lockstep.</summary>
    internal TimeSpan NextBackoff(int attempt)
    {
        var min = Options.ReconnectBackoffMin.Ticks;
        var max = Options.ReconnectBackoffMax.Ticks;
        var exponent = Math.Min(attempt - 1, 30);
        var ceiling = Math.Min(max, min * (1L << exponent));
        double jitter;
        lock (_random)
        {
            jitter = _random.NextDouble();
        }

        return TimeSpan.FromTicks(Math.Max(min, (long)(ceiling * (0.5 + (0.5 * jitter)))));
    }

    internal void Forget(InboundConnection connection) => _inbound.TryRemove(connection, out _);

    private void CheckSendable(PeerAddress peer, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_localAddress is null)
        {
            throw new InvalidOperationException("StartAsync has not been called.");
        }

        // Refuse here rather than let the peer close the connection and take other messages down with it.
        if (payload.Length > Options.MaxFrameBytes - FrameCodec.MaxEnvelopeOverheadBytes)
        {
            throw new ArgumentException($"Payload of {payload.Length} bytes exceeds the frame limit of {Options.MaxFrameBytes} bytes.", nameof(payload));
        }
    }

    private OutboundConnection ConnectionTo(PeerAddress peer)
    {
        if (_outbound.TryGetValue(peer, out var existing))
        {
            return existing;
        }

        var created = new OutboundConnection(this, peer);
        var winner = _outbound.GetOrAdd(peer, created);
        if (ReferenceEquals(winner, created))
        {
            created.Start();
        }

        return winner;
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // A connection reset before we accepted it: keep accepting others.
                continue;
            }

            var connection = new InboundConnection(this, new SocketSession(socket), _stopping.Token);
            _inbound[connection] = 0;
            connection.Start();
        }
    }

    /// <summary>Stops accepting, closes every connection and fails every pending request with Shutdown.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var connection in _outbound.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var connection in _inbound.Keys)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        // _stopping is deliberately not disposed: handler work items still queued may read its token.
    }
}
