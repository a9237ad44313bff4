using RingStore.Core.Partitioning;
using RingStore.Coordination;
using RingStore.Core.Reads;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;

namespace RingStore.Node.Streaming;

/// <summary>
/// The source side of a stream: one bounded page of a token range, read from memtables and SSTables merged, with
/// tombstones and TTLs as stored, streamed row by row so a partition larger than a page is split across pages. Stateless, so a receiver that restarts simply asks again from where it stopped.
/// </summary>
public sealed class StreamPageVerbHandler(StorageEngine engine, StreamRegistry registry) : IVerbHandler
{
    /// <summary>A page never asks for more than this, whatever the request says (frames are capped at 32 MiB).</summary>
    public const long MaxPageBytes = 8L << 20;

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<StreamPageRequest>(payload);
        if (request.StartKey is null ? request.StartExclusive >= request.EndInclusive : request.StartExclusive > request.EndInclusive)
            throw new FormatException($"stream range ({request.StartExclusive}, {request.EndInclusive}] must not wrap");
        long maxBytes = Math.Clamp(request.MaxBytes, 1, MaxPageBytes);
        var after = new RangePosition(new Token(request.StartExclusive), request.StartKey, request.StartKey is null ? null : request.StartClustering);
        TokenRangePage page = engine.ReadTokenRangePage(request.Table, after, new Token(request.EndInclusive), int.MaxValue, maxBytes,
            request.ExcludeGenerations is { Length: > 0 } exclude ? exclude.ToHashSet() : null);
        byte[][] partitions = [.. page.Partitions.Select(p => MergedPartitionDataCodec.Serialize(p))];
        registry.RecordSent(sender.ToString(), partitions.Sum(p => (long)p.Length), partitions.Length);
        var response = new StreamPageResponse(CoordinationMessageSerializer.CurrentVersion, partitions,
            page.Resume is not null, page.Resume?.Token.Value ?? 0, page.Resume?.Key, page.Resume?.Clustering);
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }
}
