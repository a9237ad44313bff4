using System.Globalization;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary>The lines of snapshot, listsnapshots, clearsnapshot and restore, per node.</summary>
public static class SnapshotFormatter
{
    public static IEnumerable<string> Taken(string node, SnapshotResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Snapshots.Count == 0) yield return $"  {node}  no table";
        foreach (var s in response.Snapshots)
            yield return Invariant($"  {node}  {s.Keyspace}.{s.Table}: snapshot {s.Tag}, {s.Sstables} SSTable{(s.Sstables == 1 ? "" : "s")}, {StatusFormatter.Bytes(s.Bytes)} (hard links)");
    }

    /// <summary>A header line, then one line per snapshot: table, tag, SSTables, size, true size, created (UTC), state.</summary>
    public static IEnumerable<string> Listed(string node, IReadOnlyCollection<SnapshotEntry> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        if (snapshots.Count == 0)
        {
            yield return $"  {node}  no snapshots";
            yield break;
        }
        yield return $"  {node}";
        yield return $"    {"Table",-30} {"Tag",-36} {"SSTables",8} {"Size",10} {"True size",10}  Created (UTC)";
        foreach (var s in snapshots.OrderBy(s => s.Keyspace, StringComparer.Ordinal).ThenBy(s => s.Table, StringComparer.Ordinal).ThenBy(s => s.Tag, StringComparer.Ordinal))
        {
            string created = s.CreatedAtUnixMs > 0
                ? DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAtUnixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
                : "-";
            string state = !s.Complete ? "  incomplete" : !s.TableLive ? "  table dropped" : "";
            yield return Invariant($"    {s.Keyspace + "." + s.Table,-30} {s.Tag,-36} {s.Sstables,8} {StatusFormatter.Bytes(s.Bytes),10} {StatusFormatter.Bytes(s.TrueBytes),10}  {created}{state}");
        }
    }

    public static string Cleared(string node, IReadOnlyCollection<SnapshotEntry> cleared)
    {
        ArgumentNullException.ThrowIfNull(cleared);
        if (cleared.Count == 0) return $"  {node}  no snapshot matched";
        long bytes = cleared.Sum(s => s.TrueBytes);
        string tags = string.Join(", ", cleared.Select(s => s.Tag).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return Invariant($"  {node}  cleared {cleared.Count} table snapshot{(cleared.Count == 1 ? "" : "s")} ({tags}), {StatusFormatter.Bytes(bytes)} freed");
    }

    public static IEnumerable<string> Restored(string node, RestoreSnapshotResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var t in response.Tables)
            yield return Invariant($"  {node}  {t.Table}: {t.Sstables} SSTable{(t.Sstables == 1 ? "" : "s")}, {t.Partitions} partitions, {StatusFormatter.Bytes(t.Bytes)} restored{(t.Created ? " (table re-created from schema.cql)" : "")}");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
