using RingStore.Node.Messaging;

namespace RingStore.Node.Schema;

/// <summary><see cref="Verb.SchemaPull"/>: the request is empty; the response is our current schema (<see cref="SchemaCodec"/> bytes).</summary>
public sealed class SchemaPullHandler : IVerbHandler
{
    private readonly SchemaManager _manager;

    public SchemaPullHandler(SchemaManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>?>(SchemaCodec.Serialize(_manager.Current));
}
