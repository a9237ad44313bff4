using RingStore.Core.Partitioning;
using RingStore.Node.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;

namespace RingStore.Node.Streaming;

/// <summary>
/// The source side of a stream: one bounded page of a token range, read from memtables and SSTables merged, with
/// tombstones and TTLs as stored. Stateless, so a receiver that restarts simply asks again from where it stopped.
/// </summary>
public sealed class StreamPageVerbHandler(StorageEngine engine, StreamRegistry registry) : IVerbHandler
{
    /// <summary>A page never asks for more than this, whatever the request says (frames are capped at 32 MiB).</summary>
    public const long MaxPageBytes = 8L << 20;

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<StreamPageRequest>(payload);
        if (request.StartExclusive >= request.EndInclusive)
            throw new FormatException($"stream range ({request.StartExclusive}, {request.EndInclusive}] must not wrap");
        long maxBytes = Math.Clamp(request.MaxBytes, 1, MaxPageBytes);
        TokenRangePage page = engine.ReadTokenRangePage(request.Table, new Token(request.StartExclusive), new Token(request.EndInclusive), maxBytes,
            request.ExcludeGenerations is { Length: > 0 } exclude ? exclude.ToHashSet() : null);
        byte[][] partitions = [.. page.Partitions.Select(p => MergedPartitionDataCodec.Serialize(p))];
        registry.RecordSent(sender.ToString(), partitions.Sum(p => (long)p.Length), partitions.Length);
        var response = new StreamPageResponse(CoordinationMessageSerializer.CurrentVersion, partitions,
            page.ResumeAfter is not null, page.ResumeAfter?.Value ?? 0);
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }
}
