using Microsoft.Extensions.Logging;
using RingStore.Node.Messaging;

namespace RingStore.Node.Schema;

/// <summary>
/// <see cref="Verb.SchemaPush"/>: the request carries a peer's schema; we merge it (saving it before answering)
/// and reply with an empty payload, so an acknowledged push means the schema is durable here.
/// Undecodable bytes throw, which the caller sees as a failed request.
/// </summary>
public sealed class SchemaPushHandler : IVerbHandler
{
    private readonly SchemaManager _manager;
    private readonly ILogger _logger;

    public SchemaPushHandler(SchemaManager manager, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(logger);
        _manager = manager;
        _logger = logger;
    }

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var remote = SchemaCodec.Deserialize(payload);
        if (_manager.MergeRemote(remote))
        {
            SchemaLog.PushMerged(_logger, sender, _manager.Current.Version);
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
    }
}
