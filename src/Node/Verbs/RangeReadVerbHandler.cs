using RingStore.Core.Partitioning;
using RingStore.Node.Coordination;
using RingStore.Node.Guardrails;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;

namespace RingStore.Node.Verbs;

/// <summary>A replica answering a token-range scan from its engine: merged partitions, tombstones kept.</summary>
public sealed class RangeReadVerbHandler(StorageEngine engine, NodeMetrics metrics, TombstoneGuardrail? tombstones = null) : IVerbHandler
{
    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<RangeReadCommandMessage>(payload);
        var response = Answer(engine, command, tombstones);
        metrics.ReplicaRead();
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }

    /// <summary>Shared with the coordinator's local reads, so the local and remote replicas answer alike.</summary>
    /// <remarks>The tombstone guardrail applies per partition: a warning names each partition over the warn threshold,
    /// and one over the failure threshold fails the whole answer naming it.</remarks>
    public static RangeReadResponseMessage Answer(StorageEngine engine, RangeReadCommandMessage command, TombstoneGuardrail? tombstones = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(command);
        if (command.PartitionLimit <= 0) throw new FormatException($"Partition limit must be positive, got {command.PartitionLimit}.");
        if (command.StartExclusive >= command.EndInclusive) return new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, [], false);
        var partitions = engine.ReadTokenRange(command.Table, new Token(command.StartExclusive), new Token(command.EndInclusive));
        bool truncated = partitions.Count > command.PartitionLimit;
        var keptPartitions = partitions.Take(command.PartitionLimit).ToList();
        var kept = keptPartitions.Select(p => MergedPartitionDataCodec.Serialize(p)).ToArray();
        var warnings = tombstones is null ? null : keptPartitions
            .Select(p => tombstones.Check(command.Table, p.Key, tombstones.Count(p))).OfType<string>().ToArray();
        return new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, kept, truncated, warnings is { Length: > 0 } ? warnings : null);
    }
}
