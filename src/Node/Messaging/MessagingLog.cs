using Microsoft.Extensions.Logging;

namespace RingStore.Node.Messaging;

/// <summary>Source-generated log messages: every refusal and closed connection says why, for operators.</summary>
internal static partial class MessagingLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Internode messaging listening on {Address}")]
    public static partial void Listening(ILogger logger, PeerAddress address);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Connected to {Peer} (host id {HostId})")]
    public static partial void Connected(ILogger logger, PeerAddress peer, Guid hostId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Connection to {Peer} lost: {Reason}; {FailedRequests} in-flight requests failed")]
    public static partial void ConnectionLost(ILogger logger, PeerAddress peer, string reason, int failedRequests);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Connect to {Peer} failed (attempt {Attempt}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, PeerAddress peer, int attempt, long delayMs, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Refused handshake with {Remote}: {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Closing connection with {Remote}: bad frame: {Reason}")]
    public static partial void BadFrame(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Debug, Message = "Inbound connection from {Remote} closed: {Reason}")]
    public static partial void InboundClosed(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "No handler for verb {Verb} from {Sender}")]
    public static partial void NoHandler(ILogger logger, Verb verb, PeerAddress sender);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Handler for verb {Verb} from {Sender} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, Verb verb, PeerAddress sender);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Queue to {Peer} full: dropped oldest {Verb} message")]
    public static partial void Dropped(ILogger logger, PeerAddress peer, Verb verb);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Reply to {Verb} from {Sender} is {Bytes} bytes, over the {Limit}-byte frame payload limit: answered with ResponseTooLarge")]
    public static partial void ResponseTooLarge(ILogger logger, Verb verb, PeerAddress sender, int bytes, int limit);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Debug, Message = "Dropped {Verb} from {Sender}: its deadline passed {When}")]
    public static partial void ExpiredDropped(ILogger logger, Verb verb, PeerAddress sender, string when);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Internode TLS with {Remote} refused: {Reason}")]
    public static partial void TlsRefused(ILogger logger, string remote, string reason);
}
