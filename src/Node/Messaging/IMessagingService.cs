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
    /// True when the last attempt to reach <paramref name="peer"/> failed (connection refused, reset or lost) and no
    /// reconnect has succeeded since: a request to it would fail at once with PeerUnreachable. Coordinators plan such a
    /// replica as down (Unavailable before anything is written) instead of learning it per request.
    /// </summary>
    bool IsKnownUnreachable(PeerAddress peer) => false;
}
