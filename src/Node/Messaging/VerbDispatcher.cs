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

    /// <param name="maxResponsePayloadBytes">The largest reply payload a frame can carry; a bigger one is answered
    /// with <see cref="RequestFailureReason.ResponseTooLarge"/> instead (the caller would close the connection on it).</param>
    public VerbDispatcher(ILogger logger, int maxResponsePayloadBytes = int.MaxValue)
    {
        _logger = logger;
        _maxResponsePayloadBytes = maxResponsePayloadBytes;
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

        ValueTask<ReadOnlyMemory<byte>?> pending;
        try
        {
            pending = handler.HandleAsync(sender, request.Payload, cancellationToken);
        }
#pragma warning disable CA1031 // A handler bug must become a failure response, not a dead connection.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ValueTask<Envelope?>(HandlerFailed(sender, request, ex));
        }

        // Synchronously completed handlers (common, and required for deterministic simulation) avoid an async hop.
        if (pending.IsCompletedSuccessfully)
        {
            return new ValueTask<Envelope?>(Success(sender, request, pending.Result));
        }

        return AwaitAsync(sender, request, pending);
    }

    private async ValueTask<Envelope?> AwaitAsync(PeerAddress sender, Envelope request, ValueTask<ReadOnlyMemory<byte>?> pending)
    {
        try
        {
            return Success(sender, request, await pending.ConfigureAwait(false));
        }
#pragma warning disable CA1031 // See above.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HandlerFailed(sender, request, ex);
        }
    }

    private Envelope? HandlerFailed(PeerAddress sender, Envelope request, Exception ex)
    {
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
}
