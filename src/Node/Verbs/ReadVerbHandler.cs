using RingStore.Node.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Storage.Engine;

namespace RingStore.Node.Verbs;

/// <summary>A replica answering a read with its data (tombstones kept) or only the digest of it.</summary>
public sealed class ReadVerbHandler(StorageEngine engine, NodeMetrics metrics) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<ReadCommandMessage>(payload);
        var response = Answer(engine, command);
        metrics.ReplicaRead();
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }

    /// <summary>Shared with the coordinator's local reads, so a local and a remote replica answer identically.</summary>
    public static ReadResponseMessage Answer(StorageEngine engine, ReadCommandMessage command)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(command);
        var data = engine.ReadUnfiltered(command.ToSliceQuery());
        return command.DigestOnly ? ReadResponseMessage.ForDigest(data) : ReadResponseMessage.ForData(data);
    }
}
