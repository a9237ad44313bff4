using System.Text.Json;

namespace RingStore.Node.Repair;

/// <summary>One range of one table last repaired successfully at <see cref="RepairedAtUnixSeconds"/>.</summary>
public sealed record RepairHistoryEntry(string Table, long StartExclusive, long EndInclusive, long RepairedAtUnixSeconds);

/// <summary>
/// Durable repair history (system/repair_history.json under the node's data directory): per table and range, the time
/// of the last successful repair. Rewritten whole on each record (write to .tmp, fsync, rename, fsync the directory),
/// so a crash leaves the old or the new file, never a torn one. Small: one entry per (table, range) repaired.
/// </summary>
public sealed class RepairHistory
{
    private readonly string _path;
    private readonly object _gate = new();
    private readonly Dictionary<(string, long, long), RepairHistoryEntry> _entries = [];

    public RepairHistory(string systemDirectory)
    {
        Directory.CreateDirectory(systemDirectory);
        _path = Path.Combine(systemDirectory, "repair_history.json");
        if (File.Exists(_path))
            foreach (var e in JsonSerializer.Deserialize<List<RepairHistoryEntry>>(File.ReadAllBytes(_path)) ?? [])
                _entries[(e.Table, e.StartExclusive, e.EndInclusive)] = e;
        Reindex();
    }

    public IReadOnlyList<RepairHistoryEntry> Entries
    {
        get
        {
            lock (_gate) return [.. _entries.Values.OrderBy(e => e.Table, StringComparer.Ordinal).ThenBy(e => e.StartExclusive)];
        }
    }

    /// <summary>
    /// When the range holding <paramref name="token"/> of <paramref name="table"/> was last repaired (Unix seconds), or
    /// int.MinValue if never: compaction's gate for only_purge_repaired_tombstones.
    /// </summary>
    public int RepairedAt(string table, Core.Partitioning.Token token)
    {
        var ranges = _byTable.GetValueOrDefault(table);
        if (ranges is null) return int.MinValue;
        long best = int.MinValue;
        foreach (var e in ranges)
            if (e.StartExclusive < token.Value && token.Value <= e.EndInclusive) best = Math.Max(best, e.RepairedAtUnixSeconds);
        return (int)Math.Min(best, int.MaxValue);
    }

    // Per-table snapshot for RepairedAt (read by compaction, so no lock): replaced whole on each Record.
    private volatile Dictionary<string, RepairHistoryEntry[]> _byTable = [];

    private void Reindex() =>
        _byTable = _entries.Values.GroupBy(e => e.Table, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    public void Record(IEnumerable<RepairHistoryEntry> repaired)
    {
        lock (_gate)
        {
            foreach (var e in repaired) _entries[(e.Table, e.StartExclusive, e.EndInclusive)] = e;
            Reindex();
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(_entries.Values.ToList());
            string tmp = _path + ".tmp";
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, _path, overwrite: true);
            RingStore.Storage.IO.NativeDirectorySync.Sync(Path.GetDirectoryName(_path)!);
        }
    }
}
