using Microsoft.Extensions.Logging;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Storage.Engine;
using RingStore.Storage.IO;
using RingStore.Storage.Memtables;
using RingStore.Storage.Reads;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Compaction;

/// <summary>
/// Runs compactions, one at a time per engine (two cores do not take parallel compactions well):
/// picks input SSTables with the table's strategy, merges them with the merge rule, purges what
/// may be purged, writes one new SSTable and swaps it into the table's view. Reads go on during
/// the whole compaction on the old SSTables, which are deleted once the last reader lets go.
/// </summary>
public sealed partial class CompactionRunner
{
    private readonly IStorageFileSystem _fs;
    private readonly StorageEngineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Directory, long Generation), long> _firstSeen = new();

    public CompactionRunner(IStorageFileSystem fs, StorageEngineOptions options, ILogger logger, TimeProvider time)
    {
        _fs = fs;
        _options = options;
        _logger = logger;
        _time = time;
        Bandwidth = new CompactionBandwidth(options.CompactionThroughputMiBPerSecond, Math.Max(1, options.MemtableFlushThresholdBytes),
            options.CompactionController, time);
    }

    /// <summary>The engine-wide backlog-driven compaction rate every throttle of this runner asks.</summary>
    public CompactionBandwidth Bandwidth { get; }

    /// <summary>Records the table's compaction backlog now (after a flush added an SSTable; a compaction records its own).</summary>
    public void ObserveBacklog(TableStore table)
    {
        var infos = table.View.SSTables.Where(s => !s.IsCorrupt).Select(Info).ToArray();
        Bandwidth.Observe(table.Directory, CompactionBacklog.For(table.Schema, infos));
    }

    private static SSTableInfo Info(SSTableReader r) =>
        new(r.Generation, r.SizeOnDiskBytes, r.Statistics.MinTimestampMicros, r.Statistics.MaxTimestampMicros);

    public static IReadOnlyList<SSTableInfo> PickFor(TableSchema schema, IReadOnlyList<SSTableInfo> infos)
    {
        var o = schema.Options;
        return o.Compaction == CompactionStrategyKind.TimeWindow
            ? TimeWindowPicker.Pick(infos, o.CompactionWindow, o.CompactionMinThreshold, o.CompactionMaxThreshold)
            : SizeTieredPicker.Pick(infos, o.CompactionMinThreshold, o.CompactionMaxThreshold);
    }

    public int PendingCompactions(TableStore table)
    {
        var infos = table.View.SSTables.Select(Info).ToArray();
        var o = table.Schema.Options;
        return o.Compaction == CompactionStrategyKind.TimeWindow
            ? TimeWindowPicker.PendingCount(infos, o.CompactionWindow, o.CompactionMinThreshold)
            : SizeTieredPicker.PendingCount(infos, o.CompactionMinThreshold);
    }

    /// <summary>
    /// Runs the next piece of work for the table, if any, and returns whether one ran: first it drops fully expired
    /// SSTables (every strategy, as Cassandra), then the compaction the strategy asks for, and when none is due a
    /// single-SSTable tombstone compaction.
    /// </summary>
    public async Task<bool> RunOneAsync(TableStore table, CancellationToken ct = default)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Read before the view: an import moves the epoch before it adds its SSTable, so one the view below may
            // miss moves it past this value and makes an expired-SSTable drop give up.
            long importEpoch = table.ImportEpoch;
            var view = table.View;
            long now = _time.GetUtcNow().ToUnixTimeSeconds();
            long gcBefore = now - table.Schema.Options.GcGraceSeconds;
            var infos = view.SSTables.Select(s => FullInfo(table, s, now)).ToArray();
            Bandwidth.Observe(table.Directory, CompactionBacklog.For(table.Schema, infos.Where(i => i.Compactable).ToArray()));
            ForgetRetired(table, view);
            long memtableMin = view.Flushing.Add(view.Active).Min(m => m.MinTimestampMicros);

            var expired = FullyExpiredPicker.Pick(infos, memtableMin, gcBefore).Select(i => i.Generation).ToHashSet();
            if (expired.Count > 0)
                return DropFullyExpired(table, view.SSTables.Where(s => expired.Contains(s.Generation)).ToArray(), importEpoch);

            // A corrupt SSTable is never compacted (its unreadable blocks would fail every attempt, or worse, be dropped).
            var picked = PickFor(table.Schema, infos.Where(i => i.Compactable).ToArray()).Select(i => i.Generation).ToHashSet();
            if (picked.Count < 2)
            {
                picked.Clear();
                if (TombstoneCompactionPicker.Pick(infos, now, gcBefore, _options.TombstoneCompaction) is { } single)
                {
                    picked.Add(single.Generation);
                    _logger.LogInformation("Tombstone compaction of SSTable {Generation} of {Table}: {Ratio:P0} of it droppable",
                        single.Generation, table.Schema.FullName, single.DeletionTimes.DroppableRatio(gcBefore));
                }
            }
            if (picked.Count == 0) return false;
            var inputs = view.SSTables.Where(s => picked.Contains(s.Generation)).ToArray();
            if (NotEnoughSpace(table, inputs) is { } reason)
            {
                _logger.LogWarning("Compaction of {Table} not started: {Reason}", table.Schema.FullName, reason);
                return false;
            }
            await DedicatedThread.Run(() => Compact(table, inputs, ct), _options.RunInline, ct).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// Deletes fully expired SSTables without reading them, through a compaction transaction with no output (durable
    /// log, one view swap, files deleted when the last reader lets go), so a crash never brings them back half-way.
    /// Gives up if an SSTable was imported since the decision (its data was not weighed by the overlap rule).
    /// </summary>
    private bool DropFullyExpired(TableStore table, IReadOnlyList<SSTableReader> expired, long importEpoch)
    {
        var acquired = new List<SSTableReader>();
        try
        {
            foreach (var s in expired)
            {
                if (!s.TryAcquire()) return false; // truncated away meanwhile
                acquired.Add(s);
            }
            var generations = expired.Select(s => s.Generation).ToHashSet();
            bool installed = Install(table, expired, generations, output: null, table.AllocateGeneration(),
                stillValid: () => table.ImportEpoch == importEpoch);
            if (installed)
            {
                table.Metrics.RecordExpiredSSTablesDropped(expired.Count);
                _logger.LogInformation("Dropped {Count} fully expired SSTables of {Table} without compaction: {Generations}",
                    expired.Count, table.Schema.FullName, string.Join(", ", generations.Order()));
            }
            return installed;
        }
        finally
        {
            foreach (var s in acquired) s.Release();
        }
    }

    /// <summary>Keeps <see cref="_firstSeen"/> to the table's live SSTables (generations are never reused).</summary>
    private void ForgetRetired(TableStore table, TableView view)
    {
        foreach (var key in _firstSeen.Keys)
            if (key.Directory == table.Directory && !view.SSTables.Any(s => s.Generation == key.Generation))
                _firstSeen.TryRemove(key, out _);
    }

    /// <summary>
    /// <see cref="SSTableInfo"/> with what the expiry and tombstone pickers need. When the engine first saw each SSTable
    /// is kept here (from the injected clock), since a file's own times are not on that clock; after a restart the
    /// tombstone-compaction interval starts again.
    /// </summary>
    private SSTableInfo FullInfo(TableStore table, SSTableReader r, long nowSeconds)
    {
        var stats = r.Statistics;
        long firstSeen = _firstSeen.GetOrAdd((table.Directory, r.Generation), nowSeconds);
        return Info(r) with
        {
            MinToken = stats.PartitionCount == 0 ? long.MaxValue : stats.MinToken.Value,
            MaxToken = stats.PartitionCount == 0 ? long.MinValue : stats.MaxToken.Value,
            MaxLocalDeletionTimeSeconds = stats.MaxLocalDeletionTimeSeconds,
            DeletionTimes = stats.DeletionTimes,
            FirstSeenSeconds = firstSeen,
            Compactable = !r.IsCorrupt,
        };
    }

    /// <summary>Major compaction: everything into one SSTable (also purges with nothing outside the compaction).</summary>
    public async Task CompactAllAsync(TableStore table, CancellationToken ct = default)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var inputs = table.View.SSTables.Where(s => !s.IsCorrupt).ToArray();
            if (inputs.Length == 0) return;
            if (NotEnoughSpace(table, inputs) is { } reason)
                throw new IOException($"Compaction of {table.Schema.FullName} not started: {reason}");
            await DedicatedThread.Run(() => Compact(table, inputs, ct), _options.RunInline, ct).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// A compaction writes its output before it deletes its inputs, so it may need as much free space as the inputs
    /// take (less only when it drops data): one whose output may not fit is not started, instead of filling the disk
    /// half-way and failing.
    /// </summary>
    private static string? NotEnoughSpace(TableStore table, IReadOnlyList<SSTableReader> inputs)
    {
        long needed = inputs.Sum(s => s.SizeOnDiskBytes);
        return DiskSpace.Of(table.Directory) is { } space && space.Available < needed
            ? $"its output may need {needed} bytes and only {space.Available} are free"
            : null;
    }

    /// <summary>What one compaction did (cleanup reports it); <see cref="Installed"/> is false when it retired nothing.</summary>
    private readonly record struct CompactionOutcome(bool Installed, long OutputBytes, long PartitionsDropped);

    /// <summary>
    /// Merges <paramref name="inputs"/> into one new SSTable and retires them. With <paramref name="keep"/> (cleanup),
    /// partitions whose token it rejects are left out of the output.
    /// </summary>
    private CompactionOutcome Compact(TableStore table, IReadOnlyList<SSTableReader> inputs, CancellationToken ct, Func<Core.Partitioning.Token, bool>? keep = null)
    {
        var acquired = new List<SSTableReader>();
        try
        {
            foreach (var s in inputs)
            {
                if (!s.TryAcquire()) return default; // already compacted away by someone else
                acquired.Add(s);
            }
            var inputGenerations = inputs.Select(s => s.Generation).ToHashSet();
            var view = table.View;
            var outside = view.SSTables.Where(s => !inputGenerations.Contains(s.Generation)).ToArray();
            var memtables = view.Flushing.Add(view.Active);
            int now = (int)_time.GetUtcNow().ToUnixTimeSeconds();
            int gcBefore = (int)Math.Max(int.MinValue, (long)now - table.Schema.Options.GcGraceSeconds);
            var throttle = new CompactionThrottle(Bandwidth.BytesPerSecond, _time);
            long importEpoch = table.ImportEpoch;
            bool purgedAny = false;

            long generation = table.AllocateGeneration();
            var writer = SSTableWriter.Create(_fs, table.Directory, generation, new SSTableWriterOptions
            {
                BloomFilterFpChance = table.Schema.Options.BloomFilterFpChance,
                Compression = table.Schema.Options.Compression,
                BlockSizeBytes = _options.SSTableBlockSizeBytes,
                ExpectedPartitions = inputs.Sum(s => s.Statistics.PartitionCount),
                IndexSummaryInterval = _options.IndexSummaryInterval,
                RowIndexIntervalBytes = _options.RowIndexIntervalBytes,
            });
            SSTableReader? output = null;
            long partitions = 0, dropped = 0;
            try
            {
                var streams = inputs
                    .Select(s => s.ScanAll().Select(p => new PartitionSnapshot(p.Key, p.Token, p.PartitionDeletion, p.RangeTombstones, p.Rows)).GetEnumerator())
                    .ToArray();
                foreach (var merged in PartitionStreamMerger.Merge(streams))
                {
                    ct.ThrowIfCancellationRequested();
                    if (keep is not null && !keep(merged.Token))
                    {
                        dropped++;
                        continue;
                    }
                    long maxPurgeable = MaxPurgeableTimestamp(merged.Key, outside, memtables);
                    // only_purge_repaired_tombstones: not before the partition's range was repaired after the deletion.
                    int partitionGcBefore = _options.RepairedBefore is { } repaired
                        ? Math.Min(gcBefore, repaired(table.Schema.FullName, merged.Token)) : gcBefore;
                    var purged = TombstonePurger.Purge(merged, now, partitionGcBefore, maxPurgeable, () => purgedAny = true);
                    long bytes = 0;
                    // Peek at the first row only: a partition with nothing left is skipped, any other streams through
                    // (never materialized: a wide partition would otherwise sit whole in memory).
                    using var peek = new FirstRowPeek(purged.Rows);
                    if (purged.IsEmptyHeader && peek.IsEmpty) continue;
                    var rows = peek.Rows().Select(r => { bytes += r.EstimatedSizeBytes; return r; });
                    long startBytes = writer.DataBytesWritten;
                    writer.AppendPartition(purged.Key, purged.PartitionDeletion, purged.RangeTombstones, rows);
                    partitions++;
                    long partitionBytes = writer.DataBytesWritten - startBytes;
                    if (_options.CompactionLargePartitionWarningBytes > 0 && partitionBytes > _options.CompactionLargePartitionWarningBytes)
                        WarnLargePartition(table, purged.Key, partitionBytes);
                    throttle.Account(bytes + purged.Key.Length, ct);
                }
                if (partitions > 0) output = writer.Finish();
            }
            catch
            {
                // Every output file closed and deleted whatever throws (a full disk fails the closes too); the
                // inputs stay live and the original failure is the one reported.
                if (writer.Abort() is { } cleanupFailure)
                    _logger.LogWarning(cleanupFailure, "Cleaning up the failed compaction output generation {Generation} of {Table} failed too",
                        generation, table.Schema.FullName);
                throw;
            }
            writer.Dispose();

            // An SSTable imported (streamed in) while this compaction ran was not among the sources its purge decisions
            // looked at: a tombstone purged here could be the one that shadows old streamed data. Imports never wait
            // for a compaction (that throttled streams to the compaction rate), so such a compaction is discarded and
            // picked again; one that purged nothing is unaffected.
            if (purgedAny && table.ImportEpoch != importEpoch)
            {
                if (output is not null)
                {
                    output.MarkObsolete();
                    output.Dispose();
                }
                _logger.LogInformation("Discarded a compaction of {Table}: it purged tombstones while streamed data arrived; it will run again",
                    table.Schema.FullName);
                return default;
            }

            bool installed = Install(table, inputs, inputGenerations, output, generation, stillValid: null);
            ObserveBacklog(table);
            table.Metrics.RecordCompaction();
            _logger.LogInformation("Compacted {Count} SSTables of {Table} into {Output} ({Partitions} partitions, {Dropped} dropped by cleanup)",
                inputs.Count, table.Schema.FullName, output?.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing", partitions, dropped);
            return new CompactionOutcome(installed, installed ? output?.SizeOnDiskBytes ?? 0 : 0, dropped);
        }
        finally
        {
            foreach (var s in acquired) s.Release();
        }
    }

    /// <summary>
    /// Retires <paramref name="inputs"/> for <paramref name="output"/> (null: for nothing) durably and atomically: the
    /// transaction log first, then one view swap, then the inputs' files go once their last reader lets go. Returns
    /// false (and retires nothing) when a TRUNCATE removed an input meanwhile or <paramref name="stillValid"/>, checked
    /// inside the swap, says no.
    /// </summary>
    private bool Install(TableStore table, IReadOnlyList<SSTableReader> inputs, IReadOnlySet<long> inputGenerations,
        SSTableReader? output, long generation, Func<bool>? stillValid)
    {
        // Durable before the swap: from here a restart must treat the inputs as gone, whatever else it finds.
        CompactionTransactionLog log;
        try
        {
            log = CompactionTransactionLog.Begin(_fs, table.Directory, generation, inputGenerations);
        }
        catch
        {
            if (output is not null)
            {
                output.MarkObsolete();
                output.Dispose();
            }
            throw;
        }

        bool installed = false;
        table.Swap(v =>
        {
            // A TRUNCATE during the compaction removed the inputs: the output holds truncated data, drop it.
            installed = inputGenerations.All(g => v.SSTables.Any(s => s.Generation == g)) && (stillValid?.Invoke() ?? true);
            if (!installed) return v;
            return v with
            {
                SSTables = output is null
                    ? v.SSTables.RemoveAll(s => inputGenerations.Contains(s.Generation))
                    : v.SSTables.RemoveAll(s => inputGenerations.Contains(s.Generation)).Add(output),
            };
        });
        if (!installed)
        {
            // The truncate that removed the inputs disposes of them; this compaction retired nothing.
            log.Abandon();
            if (output is not null)
            {
                output.MarkObsolete();
                output.Dispose();
            }
        }
        else
        {
            // Give back the opener's reference too: the files go when the last reader lets go.
            foreach (var s in inputs)
            {
                s.MarkObsolete(log.OneDeleted);
                s.Dispose();
            }
        }
        return installed;
    }

    /// <summary>
    /// Cassandra's compaction_large_partition_warning_threshold: a partition this big makes every read, repair and
    /// stream of it expensive, and the operator only learns of it here (the size is the partition's Data bytes).
    /// </summary>
    private void WarnLargePartition(TableStore table, byte[] key, long bytes)
    {
        table.Metrics.RecordLargePartitionCompacted();
        _logger.LogWarning("Compacting large partition {Keyspace}.{Table} ({Key}): {Size} bytes ({MiB:F1} MiB), over the {Threshold} MiB warning threshold",
            table.Schema.Keyspace, table.Schema.Name, PartitionKeyText.Of(table.Schema, key), bytes, bytes / 1048576.0,
            _options.CompactionLargePartitionWarningBytes / 1048576.0);
    }

    /// <summary>
    /// The oldest timestamp that data for this partition outside the compaction may have: tombstones
    /// at or above it must be kept. Memtables holding the partition count as "anything".
    /// </summary>
    private static long MaxPurgeableTimestamp(byte[] key, IReadOnlyList<SSTableReader> outside, IEnumerable<Memtable> memtables)
    {
        long min = long.MaxValue;
        foreach (var m in memtables)
            if (m.ContainsPartition(key)) return long.MinValue;
        foreach (var s in outside)
            if (s.MayContain(key)) min = Math.Min(min, s.Statistics.MinTimestampMicros);
        return min;
    }
}
