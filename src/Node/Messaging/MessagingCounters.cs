namespace RingStore.Node.Messaging;

/// <summary>
/// Monotonic counters for one messaging service. Tests read them to observe behaviour that has no other visible
/// effect (coalescing, refusals, drops); metrics export can read them too. Updated with Interlocked, read racily.
/// </summary>
public sealed class MessagingCounters
{
    private long _framesSent;
    private long _flushes;
    private long _framesReceived;
    private long _handshakesRefused;
    private long _connectionsClosedForBadFrames;
    private long _messagesDropped;
    private long _connectionsEstablished;
    private long _lateResponses;
    private long _expiredDropped;
    private readonly long[] _expiredDroppedByVerb = new long[256];

    /// <summary>Envelopes written to sockets (Hello frames not included).</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Flushes of a connection's writer; frames / flushes is the coalescing factor.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    /// <summary>Handshakes this node refused: another cluster name or protocol version.</summary>
    public long HandshakesRefused => Interlocked.Read(ref _handshakesRefused);

    /// <summary>Connections closed because of an oversized, truncated or undecodable frame.</summary>
    public long ConnectionsClosedForBadFrames => Interlocked.Read(ref _connectionsClosedForBadFrames);

    /// <summary>Messages dropped from a full per-peer queue.</summary>
    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    /// <summary>Outbound connections that completed the handshake (first connects plus reconnects).</summary>
    public long ConnectionsEstablished => Interlocked.Read(ref _connectionsEstablished);

    /// <summary>Responses that arrived after their request timed out or was cancelled.</summary>
    public long LateResponses => Interlocked.Read(ref _lateResponses);

    /// <summary>
    /// Requests this node received and did not answer because their expiry had passed, before they started or while a
    /// read ran (Cassandra's dropped messages). Their senders had given up already: a dropped read is a timeout there,
    /// a dropped write a timeout and a hint.
    /// </summary>
    public long ExpiredRequestsDropped => Interlocked.Read(ref _expiredDropped);

    /// <summary>The same, for one verb.</summary>
    public long ExpiredRequestsDroppedOf(Verb verb) => Interlocked.Read(ref _expiredDroppedByVerb[(byte)verb]);

    internal void AddExpiredDropped(Verb verb)
    {
        Interlocked.Increment(ref _expiredDropped);
        Interlocked.Increment(ref _expiredDroppedByVerb[(byte)verb]);
    }

    internal void AddFramesSent(long count) => Interlocked.Add(ref _framesSent, count);

    internal void AddFlush() => Interlocked.Increment(ref _flushes);

    internal void AddFrameReceived() => Interlocked.Increment(ref _framesReceived);

    internal void AddHandshakeRefused() => Interlocked.Increment(ref _handshakesRefused);

    internal void AddBadFrameClose() => Interlocked.Increment(ref _connectionsClosedForBadFrames);

    internal void AddDropped() => Interlocked.Increment(ref _messagesDropped);

    internal void AddConnectionEstablished() => Interlocked.Increment(ref _connectionsEstablished);

    internal void AddLateResponse() => Interlocked.Increment(ref _lateResponses);
}
