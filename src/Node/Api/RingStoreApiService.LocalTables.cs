using Grpc.Core;
using RingStore.Core.Schema;

namespace RingStore.Node.Api;

public sealed partial class RingStoreApiService
{
    /// <summary>
    /// The tables of this node's engine that a per-node maintenance call (scrub, verify) names: every table, one
    /// keyspace's, or one table. Naming something that matches nothing is NotFound, so a typo is not a silent no-op.
    /// </summary>
    private List<TableSchema> LocalTablesMatching(string keyspace, string table)
    {
        var tables = admin.Engine.Tables
            .Where(t => keyspace.Length == 0 || string.Equals(t.Keyspace, keyspace, StringComparison.Ordinal))
            .Where(t => table.Length == 0 || string.Equals(t.Name, table, StringComparison.Ordinal))
            .ToList();
        if (tables.Count == 0 && (keyspace.Length > 0 || table.Length > 0))
            throw new RpcException(new Status(StatusCode.NotFound, $"no table matches keyspace '{keyspace}' table '{table}'"));
        return tables;
    }
}
