namespace RingStore.Node.Messaging;

/// <summary>Why a request failed without a normal response. Values travel in failure responses: append-only.</summary>
public enum RequestFailureReason : byte
{
    /// <summary>The remote handler threw.</summary>
    RemoteHandlerFailed = 1,

    /// <summary>The remote node has no handler for the verb (or does not know the verb).</summary>
    NoHandler = 2,

    /// <summary>The connection died after the request was written; the request may or may not have been applied.</summary>
    ConnectionLost = 3,

    /// <summary>The peer could not be connected to (or refused our handshake); the request was never sent.</summary>
    PeerUnreachable = 4,

    /// <summary>The per-peer queue overflowed while the peer was unreachable and this request was the oldest.</summary>
    QueueOverflow = 5,

    /// <summary>The local messaging service is shutting down.</summary>
    Shutdown = 6,

    /// <summary>
    /// The replica stopped a read over the tombstone failure threshold (Cassandra's TOMBSTONE_OVERWHELM); the detail is
    /// the reason text naming keyspace, table, partition key and count. Another replica would fail the same way.
    /// </summary>
    TombstoneOverwhelm = 7,

    /// <summary>
    /// The handler's reply would exceed the frame limit, so the responder answered with this error instead of a frame
    /// the caller would reject (closing the connection and failing every request on it). Nothing else is affected.
    /// </summary>
    ResponseTooLarge = 8,
}
