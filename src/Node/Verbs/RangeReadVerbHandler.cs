using RingStore.Core.Partitioning;
using RingStore.Node.Coordination;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;

namespace RingStore.Node.Verbs;

/// <summary>A replica answering a token-range scan from its engine: merged partitions, tombstones kept.</summary>
public sealed class RangeReadVerbHandler(StorageEngine engine, NodeMetrics metrics) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<RangeReadCommandMessage>(payload);
        var response = Answer(engine, command);
        metrics.ReplicaRead();
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }

    /// <summary>Shared with the coordinator's local reads, so the local and remote replicas answer alike.</summary>
    public static RangeReadResponseMessage Answer(StorageEngine engine, RangeReadCommandMessage command)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(command);
        if (command.PartitionLimit <= 0) throw new FormatException($"Partition limit must be positive, got {command.PartitionLimit}.");
        if (command.StartExclusive >= command.EndInclusive) return new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, [], false);
        var partitions = engine.ReadTokenRange(command.Table, new Token(command.StartExclusive), new Token(command.EndInclusive));
        bool truncated = partitions.Count > command.PartitionLimit;
        var kept = partitions.Take(command.PartitionLimit).Select(p => MergedPartitionDataCodec.Serialize(p)).ToArray();
        return new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, kept, truncated);
    }
}
