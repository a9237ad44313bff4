namespace RingStore.Node.Messaging;

/// <summary>
/// What callers (gossip, coordinator, hints, schema) use to talk to other nodes. Implemented over TCP by
/// <see cref="MessagingService"/> and in memory by <see cref="InMemoryNetwork"/> for deterministic simulation,
/// so the same verb handlers run in both.
/// </summary>
public interface IMessagingService
{
    /// <summary>This node's internode address (the one peers use to reach it).</summary>
    PeerAddress LocalAddress { get; }

    /// <summary>Installs (or replaces) the handler for a verb.</summary>
    void RegisterHandler(Verb verb, IVerbHandler handler);

    /// <summary>Fire and forget; at most once. May be dropped if the peer is down long enough for its queue to overflow.</summary>
    void SendOneWay(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload);

    /// <summary>Sends a request with the verb's default timeout (<see cref="MessagingOptions.TimeoutFor"/>).</summary>
    Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a request. Completes with the response; or throws <see cref="RequestTimeoutException"/> when no response
    /// arrives within <paramref name="timeout"/> (counted from this call), or <see cref="RequestFailedException"/>
    /// when the handler failed or the connection was lost, or OperationCanceledException when cancelled.
    /// </summary>
    Task<Response> SendRequestAsync(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="SendRequestAsync(PeerAddress, Verb, ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/> without
    /// cancellation, reporting the outcome to <paramref name="handler"/> with <paramref name="state"/> instead of through
    /// a task (see <see cref="IResponseHandler"/>). Argument errors (an oversized payload, a stopped service) are thrown
    /// here, as the task-returning call throws them. This default adapts the task; <see cref="MessagingService"/>
    /// completes the handler directly.
    /// </summary>
    void SendRequest(PeerAddress peer, Verb verb, ReadOnlyMemory<byte> payload, TimeSpan timeout, IResponseHandler handler, object? state) =>
        _ = CallBackAsync(SendRequestAsync(peer, verb, payload, timeout, CancellationToken.None), handler, state);

    private static async Task CallBackAsync(Task<Response> request, IResponseHandler handler, object? state)
    {
        Response response;
        try
        {
            response = await request.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // every failure is the handler's to judge
        catch (Exception e)
#pragma warning restore CA1031
        {
            handler.OnFailure(state, e);
            return;
        }
        handler.OnResponse(state, response.Payload);
    }

    /// <summary>
    /// True when the last attempt to reach <paramref name="peer"/> failed (connection refused, reset or lost) and no
    /// reconnect has succeeded since: a request to it would fail at once with PeerUnreachable. Coordinators plan such a
    /// replica as down (Unavailable before anything is written) instead of learning it per request.
    /// </summary>
    bool IsKnownUnreachable(PeerAddress peer) => false;
}
