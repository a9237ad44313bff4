using RingStore.Client.Protos;
using RingStore.Core.Errors;
using Grpc.Core;

namespace RingStore.Node.Api;

/// <summary>nodetool-style maintenance on this node: flush and major compaction of every table, a keyspace's or one table.</summary>
public sealed partial class RingStoreApiService
{
    public override Task<MaintenanceResponse> Flush(FlushRequest request, ServerCallContext context) =>
        Guard(() => MaintainAsync(request.Keyspace, request.Table, t => admin.Engine.FlushAsync(t)));

    public override Task<MaintenanceResponse> Compact(CompactRequest request, ServerCallContext context) =>
        Guard(() => MaintainAsync(request.Keyspace, request.Table, t => admin.Engine.CompactAsync(t)));

    private async Task<MaintenanceResponse> MaintainAsync(string keyspace, string table, Func<string, Task> operation)
    {
        var selected = SelectTables(keyspace, table);
        foreach (string name in selected) await operation(name).ConfigureAwait(false);
        var response = new MaintenanceResponse();
        var stats = admin.Engine.GetStats().Tables.Where(t => selected.Contains(t.Table, StringComparer.Ordinal));
        response.Tables.AddRange(stats.Select(t => new TableMetrics
        {
            Table = t.Table,
            LiveSstables = t.SSTableCount,
            DiskBytes = t.DiskBytes,
            PendingCompactions = t.PendingCompactions,
            MemtableBytes = t.MemtableBytes,
            SstablePartitions = t.SSTablePartitions,
            Flushes = t.Flushes,
            Compactions = t.Compactions,
        }));
        return response;
    }

    /// <summary>The engine's table names ("ks.table") the request names.</summary>
    /// <exception cref="UnknownTableException">The keyspace or table does not exist.</exception>
    private List<string> SelectTables(string keyspace, string table)
    {
        var all = admin.Engine.GetStats().Tables.Select(t => t.Table).ToList();
        if (keyspace.Length == 0)
        {
            if (table.Length > 0) throw new InvalidRequestException("A table needs its keyspace.");
            return all;
        }
        if (table.Length > 0)
        {
            string name = $"{keyspace}.{table}";
            return all.Contains(name, StringComparer.Ordinal) ? [name] : throw new UnknownTableException(name);
        }
        var ofKeyspace = all.Where(t => t.StartsWith(keyspace + ".", StringComparison.Ordinal)).ToList();
        if (ofKeyspace.Count == 0 && !ddl.Schema.Current.Keyspaces.Any(k => k.Name == keyspace))
            throw new UnknownTableException(keyspace);
        return ofKeyspace;
    }
}
