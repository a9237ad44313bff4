using System.Globalization;
using System.Text;
using RingStore.Client.Protos;

namespace RingStore.Cli.Tools;

/// <summary>nodetool tablestats and describecluster, from one node's Status and DescribeRing answers.</summary>
public static class TableStatsFormatter
{
    /// <summary>Per keyspace, then per table, as nodetool tablestats lays it out; <paramref name="filter"/> keeps "ks" or "ks.table".</summary>
    public static string TableStats(NodeMetrics metrics, string keyspace, string table)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(keyspace);
        ArgumentNullException.ThrowIfNull(table);
        var tables = metrics.Tables
            .Where(t => keyspace.Length == 0 || KeyspaceOf(t.Table) == keyspace)
            .Where(t => table.Length == 0 || NameOf(t.Table) == table)
            .OrderBy(t => t.Table, StringComparer.Ordinal)
            .ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Total number of tables: {tables.Count}\n");
        foreach (var group in tables.GroupBy(t => KeyspaceOf(t.Table)))
        {
            sb.Append("----------------\n");
            sb.Append(CultureInfo.InvariantCulture, $"Keyspace : {group.Key}\n");
            sb.Append(CultureInfo.InvariantCulture, $"\tRead Count: {group.Sum(t => t.ReadLatency?.Count ?? 0)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"\tWrite Count: {group.Sum(t => t.WriteLatency?.Count ?? 0)}\n");
            foreach (var t in group)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\t\tTable: {NameOf(t.Table)}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tSSTable count: {t.LiveSstables}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tSpace used (live): {t.DiskBytes} ({StatusFormatter.Bytes(t.DiskBytes)})\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tMemtable data size: {t.MemtableBytes} ({StatusFormatter.Bytes(t.MemtableBytes)})\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tNumber of partitions (estimate): {t.SstablePartitions}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tLocal read count: {t.ReadLatency?.Count ?? 0}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tLocal read latency: {Latency(t.ReadLatency)}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tLocal write count: {t.WriteLatency?.Count ?? 0}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tLocal write latency: {Latency(t.WriteLatency)}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tReads/s, writes/s (last minute): {t.ReadsPerSecond:0.##}, {t.WritesPerSecond:0.##}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tPending compactions: {t.PendingCompactions}\n");
                sb.Append(CultureInfo.InvariantCulture, $"\t\tFlushes, compactions: {t.Flushes}, {t.Compactions}\n");
                string perRead = t.LocalReads > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({(double)t.TombstonesScanned / t.LocalReads:F2} per read)") : "";
                sb.Append(CultureInfo.InvariantCulture, $"\t\tTombstones scanned: {t.TombstonesScanned}{perRead}\n");
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>nodetool describecluster: name, partitioner, and which nodes hold which schema version (UNREACHABLE: down).</summary>
    public static string DescribeCluster(DescribeRingResponse ring, StatusResponse status)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(status);
        var sb = new StringBuilder();
        sb.Append("Cluster Information:\n");
        sb.Append(CultureInfo.InvariantCulture, $"\tName: {ring.ClusterName}\n");
        sb.Append("\tSnitch: GossipingPropertyFileSnitch (dc and rack from each node's gossip)\n");
        sb.Append(CultureInfo.InvariantCulture, $"\tPartitioner: {ring.Partitioner}\n");
        sb.Append("\tSchema versions:\n");
        var nodes = status.Nodes.Where(n => n.Node.Status != "LEFT").ToList();
        var versions = nodes
            .Where(n => n.Node.Liveness == "UP")
            .GroupBy(n => n.SchemaVersion.Length > 0 ? n.SchemaVersion : "(unknown)")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in versions)
            sb.Append(CultureInfo.InvariantCulture, $"\t\t{group.Key}: [{string.Join(", ", group.Select(n => n.Node.Endpoint).Order(StringComparer.Ordinal))}]\n");
        var down = nodes.Where(n => n.Node.Liveness != "UP").Select(n => n.Node.Endpoint).Order(StringComparer.Ordinal).ToList();
        if (down.Count > 0) sb.Append(CultureInfo.InvariantCulture, $"\t\tUNREACHABLE: [{string.Join(", ", down)}]\n");
        int distinct = versions.Count();
        if (distinct > 1) sb.Append(CultureInfo.InvariantCulture, $"\t(schema disagreement: {distinct} versions among live nodes)\n");
        return sb.ToString();
    }

    private static string Latency(LatencyStats? s) =>
        s is null || s.Count == 0 ? "NaN ms" : string.Create(CultureInfo.InvariantCulture, $"p50 {s.P50Ms:0.###} ms, p99 {s.P99Ms:0.###} ms, max {s.MaxMs:0.###} ms");

    private static string KeyspaceOf(string table) => table.Split('.', 2)[0];

    private static string NameOf(string table) => table.Split('.', 2) is [_, var name] ? name : table;
}
