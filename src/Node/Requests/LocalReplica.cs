using System.Runtime.CompilerServices;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Node.Guardrails;
using RingStore.Coordination;
using RingStore.Node.Metrics;
using RingStore.Storage.Engine;

namespace RingStore.Node.Requests;

/// <summary>
/// This node acting as a replica: the one place where a write or read reaches the local engine, whether it came
/// from another coordinator (verb handlers) or from this node's own coordinator, so metrics and the top-partition
/// sketches count every replica operation exactly once, and a local and a remote replica answer identically.
/// </summary>
public sealed class LocalReplica(StorageEngine engine, NodeMetrics metrics, TopPartitionsTracker topPartitions, TombstoneGuardrail? tombstones = null,
    TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System; // the node passes its own; tests that build a replica by hand get the system clock

    public StorageEngine Engine => engine;

    /// <summary>Null: no tombstone guardrail (tests that build a replica by hand).</summary>
    public TombstoneGuardrail? Tombstones => tombstones;

    /// <summary>The byte budget of one read reply (Node option ReplicaReplyMaxBytes): past it the reply is cut and marked truncated.</summary>
    public long ReplyMaxBytes { get; init; } = Verbs.RangeReadVerbHandler.DefaultReplyBytes;

    // Pooled state-machine box: this awaits the group commit on every write, and an unpooled box is an allocation per write.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ApplyAsync(PartitionUpdate update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        long started = _clock.GetTimestamp();
        await engine.ApplyAsync(update, ct).ConfigureAwait(false);
        metrics.ReplicaWrite(_clock.GetElapsedTime(started));
        topPartitions.RecordWrite(update.Table, update.PartitionKey);
    }

    /// <summary>
    /// A coordinator's update as it arrived, encoded as the commit log stores it: the engine checks, logs and keeps
    /// those bytes without decoding the rows to objects (issue 20). Malformed bytes throw before anything is written.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ApplyAsync(ReadOnlyMemory<byte> encodedUpdate, CancellationToken ct)
    {
        long started = _clock.GetTimestamp();
        var applied = await engine.ApplyEncodedAsync(encodedUpdate, ct).ConfigureAwait(false);
        metrics.ReplicaWrite(_clock.GetElapsedTime(started));
        topPartitions.RecordWrite(applied.Table, applied.PartitionKey);
    }

    /// <summary>A fired <paramref name="ct"/> (the request expired, the client gave up) stops the engine's row loop.</summary>
    public ReadResponseMessage Read(ReadCommandMessage command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        long started = _clock.GetTimestamp();
        MergedPartitionData? data;
        bool truncated;
        try
        {
            data = engine.ReadUnfiltered(command.ToSliceQuery(), ReplyMaxBytes, out truncated, tombstones?.MaxTombstones ?? long.MaxValue, ct);
        }
        catch (TombstoneOverwhelmingException e) when (tombstones is not null)
        {
            metrics.ReplicaRead();
            throw tombstones.Overwhelmed(command.Table, command.PartitionKey, e.Tombstones);
        }
        metrics.ReplicaRead(_clock.GetElapsedTime(started));
        topPartitions.RecordRead(command.Table, command.PartitionKey);
        var response = command.DigestOnly ? ReadResponseMessage.ForDigest(data, truncated) : ReadResponseMessage.ForData(data, truncated);
        string? warning = tombstones?.Check(command.Table, command.PartitionKey, tombstones.Count(data));
        return warning is null ? response : response with { Warnings = [warning] };
    }
}
