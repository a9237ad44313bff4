using RingStore.Client.Protos;
using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Api;
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
        var replication = new Replication
        {
            Class = map.Find("class")?.Text ?? throw new InvalidRequestException("Missing replication strategy class"),
        };
        foreach (var entry in map.Entries)
        {
            if (string.Equals(entry.Key, "class", StringComparison.OrdinalIgnoreCase)) continue;
            if (string.Equals(entry.Key, "replication_factor", StringComparison.OrdinalIgnoreCase))
                replication.ReplicationFactor = PropertyValues.Int(entry.Value, entry.Key);
            else
                replication.Datacenters[entry.Key] = PropertyValues.Int(entry.Value, entry.Key);
        }
        bool simple = replication.Class.EndsWith("SimpleStrategy", StringComparison.OrdinalIgnoreCase);
        if (simple && replication.Datacenters.Count > 0)
            throw new InvalidRequestException($"Unrecognized strategy option {{{replication.Datacenters.Keys.First()}}} passed to SimpleStrategy for keyspace {statement.Keyspace}");
        if (simple && !map.Entries.Any(e => string.Equals(e.Key, "replication_factor", StringComparison.OrdinalIgnoreCase)))
            throw new InvalidRequestException("SimpleStrategy requires a replication_factor strategy option.");
        try
        {
            return SchemaConverter.ToKeyspace(statement.Keyspace, replication);
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException(e.Message, e);
        }
    }
}
