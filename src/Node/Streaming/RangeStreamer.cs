using Microsoft.Extensions.Logging;
using RingStore.Core.Reads;
using RingStore.Coordination;
using RingStore.Node.Messaging;
using RingStore.Storage.Engine;

namespace RingStore.Node.Streaming;

/// <summary>
/// The receiving side of a stream: pulls the pages of each range from the source, imports them into the local
/// engine as new SSTables (checksums verified, added to the live set atomically; no commit log), paces itself with
/// the node's <see cref="StreamThrottle"/>, and records each finished range in the progress log if there is one.
/// Consecutive pages of one table are gathered into one SSTable of up to <see cref="ImportBatchBytes"/>, so a
/// bootstrap of 256 vnodes does not leave hundreds of tiny files for compaction. A partition larger than a page comes
/// as fragments on consecutive pages (disjoint, ascending rows): fragments landing in one batch are joined into one
/// partition; a partition split across two batches lands in two SSTables, which reads and compaction merge.
/// </summary>
public sealed class RangeStreamer(StorageEngine engine, IMessagingService messaging, StreamThrottle throttle, StreamRegistry registry,
    TimeSpan pageTimeout, ILogger logger)
{
    public const long PageBytes = 4L << 20;
    public const long ImportBatchBytes = 4L << 20;
    private readonly EntireSSTableStreamer _files = new(engine, messaging, throttle, pageTimeout, logger);

    /// <summary>Pull SSTables lying entirely inside a range as files (default); false streams everything as rows.</summary>
    public bool EntireSSTables { get; init; } = true;

    public async Task<StreamPullResponse> PullAsync(string operation, string source, IReadOnlyList<StreamItem> items,
        StreamProgressLog? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        var todo = items.Where(i => progress is null || !progress.IsDone(i))
            .OrderBy(i => i.Table, StringComparer.Ordinal).ThenBy(i => i.StartExclusive).ToList();
        StreamSession session = registry.Open(operation, source, "in", todo.Count);
        session.Tables = string.Join(",", todo.Select(i => i.Table).Distinct(StringComparer.Ordinal));
        var peer = PeerAddress.Parse(source);
        var batch = new List<MergedPartitionData>();
        var batchItems = new List<StreamItem>();
        long batchBytes = 0;
        string? batchTable = null;
        string? filesTable = null;
        long[] excluded = [];
        try
        {
            foreach (StreamItem item in todo)
            {
                if (batchTable is not null && batchTable != item.Table) await ImportBatchAsync().ConfigureAwait(false);
                if (EntireSSTables && filesTable != item.Table)
                {
                    // A table's whole SSTables first: its ranges are marked done only after their row pages, below.
                    filesTable = item.Table;
                    excluded = await _files.TransferAsync(peer, item.Table, [.. todo.Where(i => i.Table == item.Table)], session, progress, ct)
                        .ConfigureAwait(false);
                }
                batchTable = item.Table;
                long start = item.StartExclusive;
                byte[]? startKey = null, startClustering = null;
                while (true)
                {
                    var request = new StreamPageRequest(CoordinationMessageSerializer.CurrentVersion, item.Table, start, item.EndInclusive, PageBytes,
                        startKey, startClustering, excluded);
                    Response response = await messaging.SendRequestAsync(peer, Verb.StreamPage, CoordinationMessageSerializer.Serialize(request), pageTimeout, ct)
                        .ConfigureAwait(false);
                    var page = CoordinationMessageSerializer.Deserialize<StreamPageResponse>(response.Payload);
                    long pageBytes = 0;
                    foreach (byte[] encoded in page.Partitions)
                    {
                        AddToBatch(MergedPartitionDataCodec.Deserialize(encoded) ?? throw new FormatException("empty partition in a stream page"));
                        pageBytes += encoded.Length;
                    }
                    batchBytes += pageBytes;
                    session.AddPage(pageBytes, page.Partitions.Length);
                    await throttle.AccountAsync(pageBytes, ct).ConfigureAwait(false);
                    if (!page.HasMore) break;
                    bool advanced = page.ResumeAfter > start || (page.ResumeAfter == start && page.ResumeKey is not null
                        && (startKey is null || page.ResumeKey.AsSpan().SequenceCompareTo(startKey) > 0
                            || (page.ResumeKey.AsSpan().SequenceEqual(startKey) && startClustering is not null
                                && (page.ResumeClustering is null || page.ResumeClustering.AsSpan().SequenceCompareTo(startClustering) > 0))));
                    if (!advanced) throw new FormatException($"stream from {source} did not advance past token {start}");
                    start = page.ResumeAfter;
                    startKey = page.ResumeKey;
                    startClustering = page.ResumeKey is null ? null : page.ResumeClustering;
                    if (batchBytes >= ImportBatchBytes) await ImportBatchAsync().ConfigureAwait(false);
                }
                batchItems.Add(item);
                if (batchBytes >= ImportBatchBytes) await ImportBatchAsync().ConfigureAwait(false);
            }
            await ImportBatchAsync().ConfigureAwait(false);
            session.Finish(null);
            logger.LogInformation("{Operation}: received {Ranges} ranges, {Bytes} bytes from {Source} in {Seconds:F1} s",
                operation, todo.Count, session.Bytes, source, session.Elapsed.TotalSeconds);
            return new StreamPullResponse(session.Bytes, todo.Count);
        }
        catch (Exception e)
        {
            session.Finish(e.Message);
            throw;
        }

        // The continuation of the batch's last partition (same key) joins it: its rows all come after the fragment's.
        void AddToBatch(MergedPartitionData p)
        {
            if (batch.Count > 0 && batch[^1].Key.AsSpan().SequenceEqual(p.Key))
            {
                batch[^1] = PartitionFragments.Join(batch[^1], p);
                return;
            }
            batch.Add(p);
        }

        // Ranges are marked done only once everything they contributed is in an imported SSTable.
        async Task ImportBatchAsync()
        {
            if (batch.Count > 0) await engine.ImportAsync(batchTable!, batch, ct).ConfigureAwait(false);
            foreach (var done in batchItems)
            {
                progress?.MarkDone(done);
                session.RangeDone();
            }
            batch = [];
            batchItems.Clear();
            batchBytes = 0;
        }
    }
}
