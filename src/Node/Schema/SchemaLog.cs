using Microsoft.Extensions.Logging;
using RingStore.Node.Messaging;

namespace RingStore.Node.Schema;

/// <summary>Source-generated log messages of schema synchronisation.</summary>
internal static partial class SchemaLog
{
    [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "Schema pulled from {Peer}: now version {Version}")]
    public static partial void Pulled(ILogger logger, PeerAddress peer, Guid version);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Schema pull from {Peer} failed; gossip will prompt another: {Reason}")]
    public static partial void PullFailed(ILogger logger, PeerAddress peer, string reason);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Information, Message = "Schema pushed by {Peer} merged: now version {Version}")]
    public static partial void PushMerged(ILogger logger, PeerAddress peer, Guid version);

    [LoggerMessage(EventId = 4604, Level = LogLevel.Warning, Message = "Schema push to {Peer} failed: {Reason}")]
    public static partial void PushFailed(ILogger logger, PeerAddress peer, string reason);
}
