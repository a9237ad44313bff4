using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Schema;

namespace RingStore.Node.Cql;

/// <summary>CREATE KEYSPACE's WITH replication = {...} to a keyspace definition (SimpleStrategy or NetworkTopologyStrategy).</summary>
public static class KeyspaceBuilder
{
    public static KeyspaceDefinition Build(CreateKeyspaceStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        foreach (var property in statement.Properties)
        {
            if (property.Name is not ("replication" or "durable_writes")) throw new InvalidRequestException($"Unknown property '{property.Name}'");
        }
        var map = statement.Replication;
        string kind = map.Find("class")?.Text ?? throw new InvalidRequestException("Missing replication strategy class");
        int replicationFactor = 0;
        var datacenters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in map.Entries)
        {
            if (string.Equals(entry.Key, "class", StringComparison.OrdinalIgnoreCase)) continue;
            if (string.Equals(entry.Key, "replication_factor", StringComparison.OrdinalIgnoreCase))
                replicationFactor = PropertyValues.Int(entry.Value, entry.Key);
            else
                datacenters[entry.Key] = PropertyValues.Int(entry.Value, entry.Key);
        }
        bool simple = kind.EndsWith("SimpleStrategy", StringComparison.OrdinalIgnoreCase);
        if (simple && datacenters.Count > 0)
            throw new InvalidRequestException($"Unrecognized strategy option {{{datacenters.Keys.First()}}} passed to SimpleStrategy for keyspace {statement.Keyspace}");
        if (simple && !map.Entries.Any(e => string.Equals(e.Key, "replication_factor", StringComparison.OrdinalIgnoreCase)))
            throw new InvalidRequestException("SimpleStrategy requires a replication_factor strategy option.");
        try
        {
            // The same classes the gRPC CreateKeyspace call takes (src/Node/Api/SchemaConverter).
            string trimmed = kind.Trim();
            if (trimmed.EndsWith("SimpleStrategy", StringComparison.OrdinalIgnoreCase)) return KeyspaceDefinition.Simple(statement.Keyspace, replicationFactor);
            if (trimmed.EndsWith("NetworkTopologyStrategy", StringComparison.OrdinalIgnoreCase))
                return KeyspaceDefinition.NetworkTopology(statement.Keyspace, datacenters);
            throw new InvalidRequestException($"Unknown replication class '{kind}': use SimpleStrategy or NetworkTopologyStrategy.");
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException(e.Message, e);
        }
    }
}
