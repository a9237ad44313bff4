using Microsoft.Extensions.Logging;
using RingStore.Core.Partitioning;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Node.Streaming;

/// <summary>
/// The receiving side of entire-SSTable streaming (Cassandra 4's zero-copy streaming), run by
/// <see cref="RangeStreamer"/> at the start of each table: asks the source to flush the table and list the SSTables
/// lying entirely inside one of the ranges still to do, then pulls each one's component files in CRC32C-checked
/// chunks (throttled like row pages) into a new generation that the engine verifies and installs atomically. Returns
/// the source generations now held here, which the row pages of the same stream then leave out. A source SSTable
/// that disappears mid-transfer (compacted away) is abandoned and its data comes as rows; a bad chunk or a received
/// SSTable that fails verification fails the stream, and every file of the transfer is deleted.
/// <para>Resumption: a range is marked done in the progress log only after its row pages, which come after every
/// SSTable of the table; each installed SSTable is also logged (source, generation), so a resumed stream neither
/// pulls it again nor sends its rows. A kill before that log line leaves the SSTable installed and pulls it again:
/// the data is then held twice on disk, which reads and compaction reconcile (the merge rule is idempotent).</para>
/// </summary>
public sealed class EntireSSTableStreamer(StorageEngine engine, IMessagingService messaging, StreamThrottle throttle, TimeSpan timeout, ILogger logger)
{
    public const int ChunkBytes = 4 << 20;

    public async Task<long[]> TransferAsync(PeerAddress source, string table, IReadOnlyList<StreamItem> items, StreamSession session,
        StreamProgressLog? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(session);
        var request = new StreamManifestRequest(CoordinationMessageSerializer.CurrentVersion, table,
            [.. items.Select(i => i.StartExclusive)], [.. items.Select(i => i.EndInclusive)]);
        Response response = await messaging.SendRequestAsync(source, Verb.StreamManifest, CoordinationMessageSerializer.Serialize(request), timeout, ct)
            .ConfigureAwait(false);
        var manifest = CoordinationMessageSerializer.Deserialize<StreamManifestResponse>(response.Payload);
        session.AddFilesOffered(manifest.SSTables.Length);
        var held = new List<long>();
        foreach (StreamFileSet set in manifest.SSTables)
        {
            if (set.RangeIndex < 0 || set.RangeIndex >= items.Count || set.Components.Length != set.Lengths.Length)
                throw new InvalidDataException($"stream manifest from {source} for {table} is malformed (range {set.RangeIndex}, generation {set.Generation})");
            if (progress is not null && progress.IsFileDone(table, source.ToString(), set.Generation))
            {
                held.Add(set.Generation);
                session.FileDone(0);
                continue;
            }
            if (await TransferOneAsync(source, table, items[set.RangeIndex], set, session, ct).ConfigureAwait(false))
            {
                progress?.MarkFileDone(table, source.ToString(), set.Generation);
                held.Add(set.Generation);
            }
        }
        return [.. held];
    }

    /// <summary>False when the source no longer has the SSTable (its data then comes as rows).</summary>
    private async Task<bool> TransferOneAsync(PeerAddress source, string table, StreamItem range, StreamFileSet set, StreamSession session,
        CancellationToken ct)
    {
        var files = set.Components.Zip(set.Lengths, (c, l) => new EntireSSTableFile((SSTableComponent)c, l)).ToArray();
        var offered = new EntireSSTableCandidate(set.Generation, set.RangeIndex, set.Partitions, new Token(set.MinToken), new Token(set.MaxToken), files);
        using var receiver = engine.BeginEntireSSTable(table, offered, new Token(range.StartExclusive), new Token(range.EndInclusive));
        foreach (var file in files)
        {
            long offset = 0;
            while (offset < file.Length)
            {
                int want = (int)Math.Min(ChunkBytes, file.Length - offset);
                var chunkRequest = new StreamFileChunkRequest(CoordinationMessageSerializer.CurrentVersion, table, set.Generation, (int)file.Component, offset, want);
                Response response = await messaging.SendRequestAsync(source, Verb.StreamFileChunk, CoordinationMessageSerializer.Serialize(chunkRequest), timeout, ct)
                    .ConfigureAwait(false);
                var chunk = CoordinationMessageSerializer.Deserialize<StreamFileChunkResponse>(response.Payload);
                if (chunk.Gone)
                {
                    logger.LogInformation("SSTable generation {Generation} of {Table} on {Source} was compacted away during its transfer; its data comes as rows",
                        set.Generation, table, source);
                    return false;
                }
                if (chunk.Bytes.Length == 0)
                    throw new InvalidDataException($"{source} sent an empty chunk of {file.Component} of generation {set.Generation} at {offset} of {file.Length}");
                if (Crc32C.HashToUInt32(chunk.Bytes) != chunk.Crc32C)
                    throw new InvalidDataException($"CRC32C mismatch in the chunk at {offset} of {file.Component} of SSTable generation {set.Generation} of {table} from {source}");
                receiver.Append(file.Component, offset, chunk.Bytes);
                offset += chunk.Bytes.Length;
                session.AddPage(chunk.Bytes.Length, 0);
                await throttle.AccountAsync(chunk.Bytes.Length, ct).ConfigureAwait(false);
            }
        }
        var result = await engine.CompleteEntireSSTableAsync(table, receiver, ct).ConfigureAwait(false);
        session.FileDone(result.Partitions);
        return true;
    }
}
