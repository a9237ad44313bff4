using RingStore.Core.Partitioning;
using RingStore.Storage.Engine;
using RingStore.Storage.SSTables;

namespace RingStore.Storage.Compaction;

/// <summary>
/// Cleanup (Cassandra's <c>nodetool cleanup</c>) and the lock imports share with compaction. Cleanup is a compaction
/// of one SSTable at a time that leaves out the partitions the node no longer owns: same writer, same throttle, same
/// purge rule, same transaction log (the old file is retired durably, so a restart never brings dropped data back),
/// and never a rewrite in place.
/// </summary>
public sealed partial class CompactionRunner
{
    /// <summary>
    /// Rewrites every SSTable of <paramref name="table"/> that holds a partition whose token <paramref name="keep"/>
    /// rejects, without those partitions; SSTables it keeps whole are not touched. Holds the compaction lock for the
    /// whole run (as a major compaction does), so no background compaction can merge a not-yet-cleaned SSTable into
    /// one cleanup does not know about. The caller flushes memtables first.
    /// </summary>
    public async Task<CleanupResult> CleanupAsync(TableStore table, Func<Token, bool> keep, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(keep);
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long before = 0, after = 0, dropped = 0;
            int rewritten = 0;
            foreach (var sst in table.View.SSTables)
            {
                ct.ThrowIfCancellationRequested();
                if (!sst.TryAcquire()) continue; // truncated away meanwhile
                try
                {
                    if (!NeedsCleanup(sst, keep)) continue;
                    var outcome = await DedicatedThread.Run(() => Compact(table, [sst], ct, keep), ct).ConfigureAwait(false);
                    if (!outcome.Installed) continue;
                    before += sst.SizeOnDiskBytes;
                    after += outcome.OutputBytes;
                    dropped += outcome.PartitionsDropped;
                    rewritten++;
                }
                finally
                {
                    sst.Release();
                }
            }
            return new CleanupResult(before, after, dropped, rewritten);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// Whether some partition of <paramref name="sst"/> is not kept. The first and last tokens answer cheaply when one
    /// of them is dropped; otherwise the Index (not the Data) is read, since the predicate may drop a range in the middle.
    /// </summary>
    private static bool NeedsCleanup(SSTableReader sst, Func<Token, bool> keep)
    {
        var stats = sst.Statistics;
        if (stats.PartitionCount == 0) return false;
        if (!keep(stats.MinToken) || !keep(stats.MaxToken)) return true;
        foreach (var token in sst.ScanTokens())
            if (!keep(token)) return true;
        return false;
    }

    /// <summary>
    /// Runs <paramref name="work"/> while no compaction or cleanup runs. An import installs its SSTable under it: a
    /// compaction decides which tombstones it may purge from the SSTables outside it when it starts, and an SSTable
    /// added while it runs (streamed data is typically old) could hold data such a purged tombstone shadowed.
    /// </summary>
    internal async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
