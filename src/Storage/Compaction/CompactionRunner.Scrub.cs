using Microsoft.Extensions.Logging;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Compaction;

/// <summary>
/// Scrub (Cassandra's <c>nodetool scrub</c>): rewrites an SSTable from what can still be read of it
/// (<see cref="SSTableSalvager"/>) and retires the original the way a compaction retires its inputs: the new SSTable is
/// complete and durable first, then a transaction log names the old generation, then one view swap replaces it. A
/// crash before the log leaves both (the new one holds only what the old one held, so reads merge them to the same
/// answer and a second scrub finishes the job); after it, a restart deletes the old one.
/// </summary>
public sealed partial class CompactionRunner
{
    /// <summary>
    /// Scrubs the SSTables of <paramref name="table"/> that are marked unreadable or that verify finds damaged (every
    /// one with <paramref name="all"/>), one at a time, holding the compaction lock for the whole run so no compaction
    /// or cleanup works on them meanwhile. Nothing is merged or purged: each output holds exactly the readable
    /// partitions and rows of its input.
    /// </summary>
    public async Task<ScrubResult> ScrubAsync(TableStore table, bool all, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var total = ScrubResult.Empty(table.Schema.FullName, 0);
            int checkedCount = 0;
            foreach (var sst in table.View.SSTables)
            {
                ct.ThrowIfCancellationRequested();
                if (!sst.TryAcquire()) continue; // truncated away meanwhile
                try
                {
                    checkedCount++;
                    bool damaged = sst.IsCorrupt || (await DedicatedThread.Run(sst.Verify, ct).ConfigureAwait(false)).Count > 0;
                    if (!damaged && !all) continue;
                    if (NotEnoughSpace(table, [sst]) is { } reason)
                        throw new IOException($"Scrub of {table.Schema.FullName} SSTable generation {sst.Generation} not started: {reason}");
                    var one = await DedicatedThread.Run(() => ScrubOne(table, sst, ct), ct).ConfigureAwait(false);
                    if (one is not null) total = Add(total, one);
                }
                finally
                {
                    sst.Release();
                }
            }
            return total with { SSTablesChecked = checkedCount };
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private static ScrubResult Add(ScrubResult a, ScrubResult b) => a with
    {
        SSTablesScrubbed = a.SSTablesScrubbed + b.SSTablesScrubbed,
        PartitionsKept = a.PartitionsKept + b.PartitionsKept,
        RowsKept = a.RowsKept + b.RowsKept,
        PartitionsDropped = a.PartitionsDropped + b.PartitionsDropped,
        PartitionsDamaged = a.PartitionsDamaged + b.PartitionsDamaged,
        RowsDropped = a.RowsDropped + b.RowsDropped,
        DataBlocksBad = a.DataBlocksBad + b.DataBlocksBad,
        IndexBlocksBad = a.IndexBlocksBad + b.IndexBlocksBad,
        DataBytesUnaccounted = a.DataBytesUnaccounted + b.DataBytesUnaccounted,
        LostKeys = [.. a.LostKeys, .. b.LostKeys],
        LostKeyCount = a.LostKeyCount + b.LostKeyCount,
    };

    /// <summary>Rewrites one SSTable from its readable parts and swaps it in; null when a TRUNCATE removed it meanwhile.</summary>
    private ScrubResult? ScrubOne(TableStore table, SSTableReader input, CancellationToken ct)
    {
        string name = table.Schema.FullName;
        using var salvager = SSTableSalvager.Open(_fs, table.Directory, input.Generation);
        long generation = table.AllocateGeneration();
        var writer = SSTableWriter.Create(_fs, table.Directory, generation, new SSTableWriterOptions
        {
            BloomFilterFpChance = table.Schema.Options.BloomFilterFpChance,
            Compression = table.Schema.Options.Compression,
            BlockSizeBytes = _options.SSTableBlockSizeBytes,
            ExpectedPartitions = Math.Max(1, input.Statistics.PartitionCount),
            IndexSummaryInterval = _options.IndexSummaryInterval,
            RowIndexIntervalBytes = _options.RowIndexIntervalBytes,
        });
        var throttle = new CompactionThrottle(Bandwidth.BytesPerSecond, _time);
        SSTableReader? output = null;
        try
        {
            long partitions = 0;
            foreach (var p in salvager.Partitions())
            {
                ct.ThrowIfCancellationRequested();
                long bytes = 0;
                writer.AppendPartition(p.Key, p.PartitionDeletion, p.RangeTombstones, p.Rows.Select(r => { bytes += r.EstimatedSizeBytes; return r; }));
                partitions++;
                throttle.Account(bytes + p.Key.Length, ct);
            }
            if (partitions > 0)
            {
                output = writer.Finish();
                // Read back before the original goes: a scrub must never replace damaged data with more damage.
                output.VerifyChecksums();
            }
        }
        catch
        {
            if (writer.Abort() is { } cleanupFailure)
                _logger.LogWarning(cleanupFailure, "Cleaning up the failed scrub output generation {Generation} of {Table} failed too", generation, name);
            Discard(output);
            throw;
        }
        writer.Dispose();

        CompactionTransactionLog log;
        try
        {
            log = CompactionTransactionLog.Begin(_fs, table.Directory, generation, [input.Generation]);
        }
        catch
        {
            Discard(output);
            throw;
        }
        bool installed = false;
        table.Swap(v =>
        {
            installed = v.SSTables.Contains(input);
            if (!installed) return v;
            var without = v.SSTables.Remove(input);
            return v with { SSTables = output is null ? without : without.Add(output) };
        });
        if (!installed)
        {
            log.Abandon();
            Discard(output);
            return null;
        }
        input.MarkObsolete(log.OneDeleted);
        input.Dispose();

        var t = salvager.Tally;
        var result = new ScrubResult(name, 1, 1, t.PartitionsKept, t.RowsKept,
            Math.Max(0, input.Statistics.PartitionCount - t.PartitionsKept), t.PartitionsDamaged,
            Math.Max(0, input.Statistics.RowCount - t.RowsKept), t.DataBlocksBad, t.IndexBlocksBad, t.DataBytesUnaccounted,
            t.LostKeys, t.LostKeyCount);
        if (result.LostData)
            _logger.LogWarning("Scrubbed SSTable generation {Input} of {Table} into {Output}: kept {Partitions} partitions ({Rows} rows), "
                + "dropped {Dropped} partitions and {RowsDropped} rows ({Damaged} partitions kept in part, {Unaccounted} Data bytes of unknown partitions); "
                + "{BadData} bad Data blocks, {BadIndex} bad Index blocks; repair restores the lost data from the other replicas",
                input.Generation, name, output?.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing",
                result.PartitionsKept, result.RowsKept, result.PartitionsDropped, result.RowsDropped, result.PartitionsDamaged,
                result.DataBytesUnaccounted, result.DataBlocksBad, result.IndexBlocksBad);
        else
            _logger.LogInformation("Scrubbed SSTable generation {Input} of {Table} into {Output}: kept all {Partitions} partitions ({Rows} rows)",
                input.Generation, name, output?.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing",
                result.PartitionsKept, result.RowsKept);
        return result;
    }

    private static void Discard(SSTableReader? output)
    {
        if (output is null) return;
        output.MarkObsolete();
        output.Dispose();
    }
}
