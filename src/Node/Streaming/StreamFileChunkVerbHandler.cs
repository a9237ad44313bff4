using System.IO.Hashing;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Streaming;

/// <summary>
/// The source side of entire-SSTable streaming: one chunk of one component file, with its CRC32C. Stateless like
/// <see cref="StreamPageVerbHandler"/>: the receiver drives, so it can stop, throttle and resume as it likes.
/// </summary>
public sealed class StreamFileChunkVerbHandler(StorageEngine engine, StreamRegistry registry) : IVerbHandler
{
    /// <summary>A chunk never exceeds this, whatever the request says (frames are capped at 32 MiB).</summary>
    public const int MaxChunkBytes = 8 << 20;

    public ValueTask<ReadOnlyMemory<byte>?> HandleAsync(PeerAddress sender, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CoordinationMessageSerializer.Deserialize<StreamFileChunkRequest>(payload);
        var component = (SSTableComponent)request.Component;
        if (!Enum.IsDefined(component) || component == SSTableComponent.Toc)
            throw new FormatException($"stream file chunk: component {request.Component} is not a streamable SSTable component");
        int maxBytes = Math.Clamp(request.MaxBytes, 1, MaxChunkBytes);
        byte[]? bytes = engine.ReadEntireSSTableChunk(request.Table, request.Generation, component, request.Offset, maxBytes);
        var response = bytes is null
            ? new StreamFileChunkResponse(CoordinationMessageSerializer.CurrentVersion, true, [], 0)
            : new StreamFileChunkResponse(CoordinationMessageSerializer.CurrentVersion, false, bytes, Crc32C.HashToUInt32(bytes));
        if (bytes is not null) registry.RecordSent(sender.ToString(), bytes.Length, 0);
        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(CoordinationMessageSerializer.Serialize(response));
    }
}
