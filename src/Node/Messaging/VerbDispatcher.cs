using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace RingStore.Node.Messaging;

/// <summary>
/// Maps verbs to handlers and turns a handler's outcome into a response envelope. Shared by the TCP service and
/// the in-memory network so both answer identically (no handler, handler threw, empty reply).
/// </summary>
internal sealed class VerbDispatcher
{
    private readonly IVerbHandler?[] _handlers = new IVerbHandler?[256];
    private readonly ILogger _logger;
    private readonly int _maxResponsePayloadBytes;
    private readonly TimeProvider _time;
    private readonly MessagingCounters? _counters;

    /// <param name="maxResponsePayloadBytes">The largest reply payload a frame can carry; a bigger one is answered
    /// with <see cref="RequestFailureReason.ResponseTooLarge"/> instead (the caller would close the connection on it).</param>
    /// <param name="time">The clock request expiries are on (the one the connection read them with).</param>
    /// <param name="counters">Where expired requests are counted.</param>
    public VerbDispatcher(ILogger logger, int maxResponsePayloadBytes = int.MaxValue, TimeProvider? time = null, MessagingCounters? counters = null)
    {
        _logger = logger;
        _maxResponsePayloadBytes = maxResponsePayloadBytes;
        _time = time ?? TimeProvider.System;
        _counters = counters;
    }

    public void Register(Verb verb, IVerbHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (verb == Verb.None)
        {
            throw new ArgumentException("Verb.None cannot be handled.", nameof(verb));
        }

        Volatile.Write(ref _handlers[(byte)verb], handler);
    }

    /// <summary>Starts the handler; returns the response envelope, or null for one-way messages.</summary>
    public ValueTask<Envelope?> DispatchAsync(PeerAddress sender, Envelope request, CancellationToken cancellationToken)
    {
        var handler = Volatile.Read(ref _handlers[(byte)request.Verb]);
        if (handler is null)
        {
            MessagingLog.NoHandler(_logger, request.Verb, sender);
            return new ValueTask<Envelope?>(request.IsOneWay ? null : Failure(request, RequestFailureReason.NoHandler, $"no handler for verb {request.Verb}"));
        }

        // A request whose sender has given up is not started (Cassandra drops expired droppable verbs the same way):
        // nothing is read or written for it and nothing is answered; the sender has timed out or will.
        ExpiryToken? expiry = null;
        if (!request.IsOneWay && request.Expiry is { } expires && ExpiringVerbs.DropsWhenExpired(request.Verb))
        {
            long now = _time.GetTimestamp();
            if (expires.HasPassed(now))
            {
                Dropped(sender, request, "before it started");
                return new ValueTask<Envelope?>((Envelope?)null);
            }
            if (ExpiringVerbs.CancelsAtExpiry(request.Verb))
            {
                expiry = new ExpiryToken(expires.RemainingAt(now, _time.TimestampFrequency), _time, cancellationToken);
                cancellationToken = expiry.Token;
            }
        }

        ValueTask<ReadOnlyMemory<byte>?> pending;
        try
        {
            pending = handler.HandleAsync(sender, request.Payload, cancellationToken);
        }
#pragma warning disable CA1031 // A handler bug must become a failure response, not a dead connection.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            expiry?.Dispose();
            return new ValueTask<Envelope?>(HandlerFailed(sender, request, ex, expiry));
        }

        // Synchronously completed handlers (common, and required for deterministic simulation) avoid an async hop.
        if (pending.IsCompletedSuccessfully)
        {
            expiry?.Dispose();
            return new ValueTask<Envelope?>(Success(sender, request, pending.Result));
        }

        return AwaitAsync(sender, request, pending, expiry);
    }

    // Pooled state-machine box: every write waits here for its group commit (the callers await the result once).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Envelope?> AwaitAsync(PeerAddress sender, Envelope request, ValueTask<ReadOnlyMemory<byte>?> pending, ExpiryToken? expiry)
    {
        try
        {
            return Success(sender, request, await pending.ConfigureAwait(false));
        }
#pragma warning disable CA1031 // See above.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HandlerFailed(sender, request, ex, expiry);
        }
        finally
        {
            expiry?.Dispose();
        }
    }

    private void Dropped(PeerAddress sender, Envelope request, string when)
    {
        _counters?.AddExpiredDropped(request.Verb);
        MessagingLog.ExpiredDropped(_logger, request.Verb, sender, when);
    }

    private Envelope? HandlerFailed(PeerAddress sender, Envelope request, Exception ex, ExpiryToken? expiry)
    {
        // Stopped at its expiry: counted as dropped and not answered, as if it had not started (the sender gave up).
        if (ex is OperationCanceledException && expiry is { Expired: true })
        {
            Dropped(sender, request, "while it ran");
            return null;
        }
        // A guardrail refusal is an answer, not a handler bug: the replica logged it already, the reason travels as is.
        if (ex is Core.Errors.TombstoneOverwhelmingException) return request.IsOneWay ? null : Failure(request, RequestFailureReason.TombstoneOverwhelm, ex.Message);
        MessagingLog.HandlerFailed(_logger, ex, request.Verb, sender);
        return request.IsOneWay ? null : Failure(request, RequestFailureReason.RemoteHandlerFailed, $"{ex.GetType().Name}: {ex.Message}");
    }

    private Envelope? Success(PeerAddress sender, Envelope request, ReadOnlyMemory<byte>? payload)
    {
        if (request.IsOneWay) return null;
        int length = payload?.Length ?? 0;
        if (length > _maxResponsePayloadBytes)
        {
            // Only this request fails: an oversized frame would make the caller close the connection and fail every
            // request in flight on it.
            MessagingLog.ResponseTooLarge(_logger, request.Verb, sender, length, _maxResponsePayloadBytes);
            return Failure(request, RequestFailureReason.ResponseTooLarge,
                $"the {request.Verb} reply of {length} bytes exceeds the frame limit ({_maxResponsePayloadBytes} bytes of payload)");
        }
        return new Envelope(request.Verb, request.RequestId, MessageFlags.Response, payload ?? ReadOnlyMemory<byte>.Empty);
    }

    private static Envelope Failure(Envelope request, RequestFailureReason reason, string detail) =>
        new(request.Verb, request.RequestId, MessageFlags.Response | MessageFlags.Failure, FrameCodec.EncodeFailure(reason, detail));

    /// <summary>The handler's token for an expiring request: fires at the expiry or when the service stops.</summary>
    private sealed class ExpiryToken : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public ExpiryToken(TimeSpan remaining, TimeProvider time, CancellationToken stopping)
        {
            _timer = new CancellationTokenSource(remaining, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public bool Expired => _timer.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}
