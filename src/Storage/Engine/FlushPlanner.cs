namespace RingStore.Storage.Engine;

/// <summary>What the flush planner needs to know about one table's memtables (a snapshot; no I/O).</summary>
/// <param name="Table">The table's full name.</param>
/// <param name="ActiveBytes">Size of its active (writable) memtable.</param>
/// <param name="FlushingBytes">Size of its memtables already switched out and waiting for or in a flush.</param>
/// <param name="ActiveLowestLogPosition">Lowest commit-log position its active memtable may hold (long.MaxValue if empty).</param>
public readonly record struct MemtableState(string Table, long ActiveBytes, long FlushingBytes, long ActiveLowestLogPosition);

/// <summary>
/// Decides which tables' active memtables to switch out for flushing, so memtables and the commit log stay within
/// their limits. Pure: the engine gives it a snapshot and applies the answer.
/// <list type="bullet">
/// <item>Memory (Cassandra's memtable_heap_space and memtable_cleanup_threshold): once the active memtables of all
/// tables hold more than <c>budget x cleanupFraction</c>, switch the largest, then the next largest, until the active
/// bytes left are at or under that mark. Switched memtables are flushed by the flush loop while writes go to fresh
/// ones; memory already being flushed is not counted here (switching more would not free it sooner). Writers wait
/// only when everything (active + flushing) reaches the whole budget: the other half is room for flushes in flight.</item>
/// <item>Commit log (commitlog_total_space): once the log holds more than <c>cap</c> bytes past its release point,
/// switch every table whose active memtable holds an entry older than <c>tail - cap / 2</c>, the oldest first. Those
/// are the tables pinning the oldest segments; once they are flushed the log can be released to at least that point,
/// halving it, so an idle table with one old row is flushed instead of pinning the log for ever.</item>
/// </list>
/// </summary>
public static class FlushPlanner
{
    /// <summary>The tables to switch so the active memtables fit under <paramref name="budgetBytes"/> x <paramref name="cleanupFraction"/>; largest first.</summary>
    public static IReadOnlyList<string> ForMemory(IReadOnlyList<MemtableState> tables, long budgetBytes, double cleanupFraction)
    {
        ArgumentNullException.ThrowIfNull(tables);
        long mark = (long)(budgetBytes * cleanupFraction);
        long active = 0;
        foreach (var t in tables) active += t.ActiveBytes;
        if (active <= mark) return [];
        var chosen = new List<string>();
        // Largest first; ties by name so the answer does not depend on the order the tables were listed in.
        foreach (var t in tables.Where(t => t.ActiveBytes > 0)
                     .OrderByDescending(t => t.ActiveBytes).ThenBy(t => t.Table, StringComparer.Ordinal))
        {
            if (active <= mark) break;
            chosen.Add(t.Table);
            active -= t.ActiveBytes;
        }
        return chosen;
    }

    /// <summary>
    /// The tables to switch so the commit log, <paramref name="logBegin"/> .. <paramref name="logTail"/>, can be released
    /// under <paramref name="capBytes"/>; oldest pinning table first. Empty while the log is within the cap.
    /// </summary>
    public static IReadOnlyList<string> ForCommitLog(IReadOnlyList<MemtableState> tables, long logBegin, long logTail, long capBytes)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (logTail - logBegin <= capBytes) return [];
        return PinningBefore(tables, logTail - (capBytes / 2));
    }

    /// <summary>
    /// The tables whose active memtable holds an entry before <paramref name="target"/> (the commit log cannot be
    /// released past it until they flush); oldest pinning table first.
    /// </summary>
    public static IReadOnlyList<string> PinningBefore(IReadOnlyList<MemtableState> tables, long target)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return tables.Where(t => t.ActiveBytes > 0 && t.ActiveLowestLogPosition < target)
            .OrderBy(t => t.ActiveLowestLogPosition).ThenBy(t => t.Table, StringComparer.Ordinal)
            .Select(t => t.Table).ToArray();
    }
}
