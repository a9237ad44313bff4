using RingStore.Core.Partitioning;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;

namespace RingStore.Node.Streaming;

/// <summary>
/// The source side of the start of a table's stream: flushes the table's memtables, then offers the SSTables that
/// lie entirely inside one requested range, to be pulled whole with <see cref="StreamFileChunkVerbHandler"/>.
/// </summary>
public sealed class StreamManifestVerbHandler(StorageEngine engine) : IVerbHandler
{
    public async ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<StreamManifestRequest>(payload);
        if (request.Starts.Length != request.Ends.Length) throw new FormatException("stream manifest: as many starts as ends");
        var ranges = request.Starts.Zip(request.Ends, (s, e) => (new Token(s), new Token(e))).ToArray();
        var candidates = await engine.PrepareEntireSSTableStreamAsync(request.Table, ranges, cancellationToken).ConfigureAwait(false);
        StreamFileSet[] sets = [.. candidates.Select(c => new StreamFileSet(c.Generation, c.RangeIndex, c.PartitionCount,
            c.MinToken.Value, c.MaxToken.Value, [.. c.Files.Select(f => (int)f.Component)], [.. c.Files.Select(f => f.Length)]))];
        return CoordinationMessageSerializer.Serialize(new StreamManifestResponse(CoordinationMessageSerializer.CurrentVersion, sets));
    }
}
