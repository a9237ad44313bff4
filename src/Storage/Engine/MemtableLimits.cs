using RingStore.Storage.Memtables;

namespace RingStore.Storage.Engine;

/// <summary>
/// The engine's overall limits on memtables and commit log (see <see cref="FlushPlanner"/> for the rules): keeps the
/// engine-wide memtable byte count, says when the flush loop should plan, chooses which tables to switch, and holds
/// writers back while all memtables together are at the budget.
/// </summary>
internal sealed class MemtableLimits(StorageEngineOptions options, CommitLog.CommitLog log)
{
    private readonly long _cleanupMark = (long)(options.MemtableSpaceBytes * options.MemtableCleanupFraction);

    public MemtableMemory Memory { get; } = new();

    /// <summary>Bytes of commit log not yet released, all generations (FasterLog addresses: entries plus page padding).</summary>
    public long LogBytes => log.LiveBytes;

    /// <summary>
    /// Cheap check on the write path: whether the flush loop should look for tables to switch. Also while the log
    /// keeps generations older than the current one (after a failed commit): flushing the tables that pin them lets
    /// them be deleted.
    /// </summary>
    public bool ShouldPlan => OverMemoryMark || log.HasOlderGenerations || LogBytes > options.CommitLogTotalSpaceBytes;

    /// <summary>Whether memtables hold more than the cleanup share of the budget.</summary>
    public bool OverMemoryMark => Memory.Bytes > _cleanupMark;

    /// <summary>The tables whose active memtables to switch now: for memory (largest first), then for the commit log (oldest first).</summary>
    public IReadOnlyList<TableStore> Choose(IReadOnlyCollection<TableStore> tables, bool includeLog)
    {
        var byName = new Dictionary<string, TableStore>(StringComparer.Ordinal);
        var states = new List<MemtableState>(tables.Count);
        foreach (var t in tables)
        {
            var v = t.View;
            long flushing = 0;
            foreach (var m in v.Flushing) flushing += m.EstimatedSizeBytes;
            states.Add(new MemtableState(t.Schema.FullName, v.Active.EstimatedSizeBytes, flushing, v.Active.LowestLogPosition));
            byName[t.Schema.FullName] = t;
        }
        var chosen = FlushPlanner.ForMemory(states, options.MemtableSpaceBytes, options.MemtableCleanupFraction)
            .Concat(includeLog ? ForCommitLog(states) : [])
            .Distinct(StringComparer.Ordinal);
        return chosen.Select(n => byName[n]).ToArray();
    }

    /// <summary>
    /// Commit-log rule of <see cref="FlushPlanner"/> across generations: over the cap, the tables pinning all but the
    /// newest half of the cap; with older generations, at least the tables pinning those (positions grow across
    /// generations, so "before the current generation's start" is exactly "in an older generation").
    /// </summary>
    private IReadOnlyList<string> ForCommitLog(IReadOnlyList<MemtableState> states)
    {
        long cap = options.CommitLogTotalSpaceBytes;
        long target = long.MinValue;
        if (log.LiveBytes > cap) target = log.PositionKeeping(cap / 2);
        if (log.HasOlderGenerations) target = Math.Max(target, log.CurrentGenerationStart);
        return target == long.MinValue ? [] : FlushPlanner.PinningBefore(states, target);
    }

    /// <summary>
    /// Back-pressure: while every memtable together holds the whole budget, a writer waits for a flush to give memory
    /// back (switching is not enough: a switched memtable holds its memory until flushed). <paramref name="makeRoom"/>
    /// asks for a flush (wakes the flush loop, or flushes inline when there is no background loop).
    /// </summary>
    public async ValueTask WaitForRoomAsync(Func<ValueTask> makeRoom, CancellationToken ct)
    {
        while (true)
        {
            var freed = Memory.Freed;
            if (Memory.Bytes < options.MemtableSpaceBytes) return;
            await makeRoom().ConfigureAwait(false);
            if (Memory.Bytes < options.MemtableSpaceBytes) return;
            await freed.WaitAsync(ct).ConfigureAwait(false);
        }
    }
}
