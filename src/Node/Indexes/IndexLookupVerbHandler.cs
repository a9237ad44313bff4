using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;

namespace RingStore.Node.Indexes;

/// <summary>A replica answering an index lookup from its own index table (<see cref="StorageEngine.LookupIndex"/>).</summary>
public sealed class IndexLookupVerbHandler(StorageEngine engine) : IVerbHandler
{
    /// <summary>The most entries one lookup reads, whatever a request asks.</summary>
    public const int MaxLimit = 1000;

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CoordinationMessageSerializer.Deserialize<IndexLookupCommandMessage>(payload);
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(Answer(engine, command)));
    }

    /// <summary>Shared with the coordinator's local lookups, so local and remote replicas answer alike.</summary>
    public static IndexLookupResponseMessage Answer(StorageEngine engine, IndexLookupCommandMessage command)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(command);
        if (command.Limit <= 0) throw new FormatException($"Limit must be positive, got {command.Limit}.");
        if (command.Value is null) throw new FormatException("An index lookup needs a value.");
        var after = new RangePosition(new Token(command.AfterToken), command.AfterKey, command.AfterKey is null ? null : command.AfterClustering);
        bool empty = after.Key is null ? command.AfterToken >= command.EndInclusive : command.AfterToken > command.EndInclusive;
        if (empty) return new IndexLookupResponseMessage(CoordinationMessageSerializer.CurrentVersion, [], false);
        var lookup = engine.LookupIndex(command.Table, command.Index, command.Value, after, new Token(command.EndInclusive), Math.Min(command.Limit, MaxLimit));
        var hits = lookup.Hits.Select(h => new IndexHitMessage(h.Token, h.PartitionKey, h.Clustering)).ToArray();
        return lookup.Resume is { } resume
            ? new IndexLookupResponseMessage(CoordinationMessageSerializer.CurrentVersion, hits, true, resume.Token.Value, resume.Key, resume.Clustering)
            : new IndexLookupResponseMessage(CoordinationMessageSerializer.CurrentVersion, hits, false);
    }
}
