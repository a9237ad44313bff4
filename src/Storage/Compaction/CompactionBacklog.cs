using RingStore.Core.Schema;

namespace RingStore.Storage.Compaction;

/// <summary>
/// How many bytes compaction still has to write for a table (its debt), the input of <see cref="CompactionController"/>.
/// Size-tiered (the estimate ScyllaDB's size-tiered backlog tracker uses): with fan-in f (the table's min_threshold),
/// each byte of an SSTable of size s among T bytes of SSTables will be rewritten about log_f(T / s) more times before
/// everything is one SSTable, so the backlog is the sum of s x log_f(T / s). It is 0 for one SSTable, grows with every
/// flush (adding an SSTable never lowers it) and falls as compactions merge. Time-window: the newest window is
/// size-tiered; an older window with several SSTables is compacted once into one, so its backlog is its bytes. Pure.
/// </summary>
public static class CompactionBacklog
{
    /// <summary>The backlog of a table's compactable SSTables under its strategy.</summary>
    public static long For(TableSchema schema, IReadOnlyList<SSTableInfo> sstables)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(sstables);
        var o = schema.Options;
        return o.Compaction == CompactionStrategyKind.TimeWindow
            ? TimeWindow(sstables, o.CompactionWindow, o.CompactionMinThreshold)
            : SizeTiered(sstables, o.CompactionMinThreshold);
    }

    /// <summary>Sum of s x log_fanIn(T / s) over the SSTables (fan-in below 2 counts as 2).</summary>
    public static long SizeTiered(IReadOnlyList<SSTableInfo> sstables, int fanIn)
    {
        ArgumentNullException.ThrowIfNull(sstables);
        if (sstables.Count < 2) return 0;
        double total = 0;
        foreach (var s in sstables) total += Math.Max(0, s.SizeBytes);
        if (total <= 0) return 0;
        double logBase = Math.Log(Math.Max(2, fanIn));
        double backlog = 0;
        foreach (var s in sstables)
            if (s.SizeBytes > 0) backlog += s.SizeBytes * Math.Log(total / s.SizeBytes) / logBase;
        return (long)Math.Round(backlog);
    }

    /// <summary>Newest window size-tiered, plus the bytes of every older window that still has several SSTables.</summary>
    public static long TimeWindow(IReadOnlyList<SSTableInfo> sstables, TimeSpan window, int fanIn)
    {
        ArgumentNullException.ThrowIfNull(sstables);
        if (sstables.Count < 2) return 0;
        var byWindow = sstables.GroupBy(s => TimeWindowPicker.WindowOf(s.MaxTimestampMicros, window)).OrderByDescending(g => g.Key).ToArray();
        long backlog = SizeTiered(byWindow[0].ToArray(), fanIn);
        foreach (var older in byWindow.Skip(1))
            if (older.Count() >= 2) backlog += older.Sum(s => Math.Max(0, s.SizeBytes));
        return backlog;
    }
}
