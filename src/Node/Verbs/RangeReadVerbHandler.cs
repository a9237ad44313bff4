using RingStore.Core.Partitioning;
using RingStore.Coordination;
using RingStore.Node.Guardrails;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;

namespace RingStore.Node.Verbs;

/// <summary>
/// A replica answering a token-range scan from its engine: merged partitions, tombstones kept, one bounded page
/// (rows and bytes; see <see cref="StorageEngine.ReadTokenRangePage"/>) streamed from the sources, never a whole range
/// or partition in memory. <paramref name="maxReplyBytes"/> caps what a request may ask for.
/// </summary>
public sealed class RangeReadVerbHandler(StorageEngine engine, NodeMetrics metrics, TombstoneGuardrail? tombstones = null,
    long maxReplyBytes = RangeReadVerbHandler.DefaultReplyBytes) : IVerbHandler
{
    /// <summary>The default byte budget of one replica reply (Node option ReplicaReplyMaxBytes), well under the frame limit.</summary>
    public const long DefaultReplyBytes = 4L << 20;

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<RangeReadCommandMessage>(payload);
        // The token fires at the request's expiry: the page stops mid-scan and nothing is answered.
        var response = Answer(engine, command, maxReplyBytes, tombstones, cancellationToken);
        metrics.ReplicaRead();
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }

    /// <summary>Shared with the coordinator's local reads, so the local and remote replicas answer alike.</summary>
    /// <remarks>The tombstone guardrail applies per partition (per piece of a partition a page cut): a warning names each
    /// partition over the warn threshold, and one over the failure threshold fails the whole answer naming it.</remarks>
    public static RangeReadResponseMessage Answer(StorageEngine engine, RangeReadCommandMessage command, long maxReplyBytes = DefaultReplyBytes,
        TombstoneGuardrail? tombstones = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(command);
        int rowLimit = command.RowLimit > 0 ? command.RowLimit : command.PartitionLimit;
        if (rowLimit <= 0) throw new FormatException($"Row limit must be positive, got {rowLimit}.");
        long byteLimit = command.ByteLimit > 0 ? Math.Min(command.ByteLimit, maxReplyBytes) : maxReplyBytes;
        var after = command.After;
        bool empty = after.Key is null ? command.StartExclusive >= command.EndInclusive : command.StartExclusive > command.EndInclusive;
        if (empty) return new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, [], false);
        var page = engine.ReadTokenRangePage(command.Table, after, new Token(command.EndInclusive), rowLimit, byteLimit, ct: ct,
            perPartition: command.PerPartition);
        var kept = page.Partitions.Select(p => MergedPartitionDataCodec.Serialize(p)).ToArray();
        var warnings = tombstones is null ? null : page.Partitions
            .Select(p => tombstones.Check(command.Table, p.Key, tombstones.Count(p))).OfType<string>().ToArray();
        var response = page.Resume is { } resume
            ? new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, kept, true, resume.Token.Value, resume.Key, resume.Clustering)
            : new RangeReadResponseMessage(CoordinationMessageSerializer.CurrentVersion, kept, false);
        return warnings is { Length: > 0 } ? response with { Warnings = warnings } : response;
    }
}
