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

    internal void AddFramesSent(long count) => Interlocked.Add(ref _framesSent, count);

    internal void AddFlush() => Interlocked.Increment(ref _flushes);

    internal void AddFrameReceived() => Interlocked.Increment(ref _framesReceived);

    internal void AddHandshakeRefused() => Interlocked.Increment(ref _handshakesRefused);

    internal void AddBadFrameClose() => Interlocked.Increment(ref _connectionsClosedForBadFrames);

    internal void AddDropped() => Interlocked.Increment(ref _messagesDropped);

    internal void AddConnectionEstablished() => Interlocked.Increment(ref _connectionsEstablished);

    internal void AddLateResponse() => Interlocked.Increment(ref _lateResponses);
}
