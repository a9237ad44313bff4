using Microsoft.Extensions.Logging;
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

    public CompactionRunner(IStorageFileSystem fs, StorageEngineOptions options, ILogger logger, TimeProvider time)
    {
        _fs = fs;
        _options = options;
        _logger = logger;
        _time = time;
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

    /// <summary>Runs the compaction the strategy asks for, if any. Returns whether one ran.</summary>
    public async Task<bool> RunOneAsync(TableStore table, CancellationToken ct = default)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var view = table.View;
            // A corrupt SSTable is never compacted (its unreadable blocks would fail every attempt, or worse, be dropped).
            var picked = PickFor(table.Schema, view.SSTables.Where(s => !s.IsCorrupt).Select(Info).ToArray()).Select(i => i.Generation).ToHashSet();
            if (picked.Count < 2) return false;
            var inputs = view.SSTables.Where(s => picked.Contains(s.Generation)).ToArray();
            if (NotEnoughSpace(table, inputs) is { } reason)
            {
                _logger.LogWarning("Compaction of {Table} not started: {Reason}", table.Schema.FullName, reason);
                return false;
            }
            await DedicatedThread.Run(() => Compact(table, inputs, ct), ct).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _oneAtATime.Release();
        }
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
            await DedicatedThread.Run(() => Compact(table, inputs, ct), ct).ConfigureAwait(false);
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
            var throttle = new CompactionThrottle(_options.CompactionThroughputMiBPerSecond);
            long importEpoch = table.ImportEpoch;
            bool purgedAny = false;

            long generation = table.AllocateGeneration();
            var writer = SSTableWriter.Create(_fs, table.Directory, generation, new SSTableWriterOptions
            {
                BloomFilterFpChance = table.Schema.Options.BloomFilterFpChance,
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
                    var rows = purged.Rows.Select(r => { bytes += r.EstimatedSizeBytes; return r; });
                    var materialized = purged.IsEmptyHeader ? rows.ToList() : null;
                    if (materialized is not null && materialized.Count == 0) continue;
                    writer.AppendPartition(purged.Key, purged.PartitionDeletion, purged.RangeTombstones, (IEnumerable<Core.Data.Row>?)materialized ?? rows);
                    partitions++;
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
                installed = inputGenerations.All(g => v.SSTables.Any(s => s.Generation == g));
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
