using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;
using RingStore.Node.Schema;

namespace RingStore.Node.Cql;

/// <summary>Keyspace and table names of a statement, resolved against the schema with Cassandra's messages.</summary>
public static class TableResolver
{
    public const string NoKeyspaceMessage = "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename";

    /// <summary>The statement's keyspace, else the session's; neither is an error.</summary>
    public static string Keyspace(string? explicitKeyspace, string? sessionKeyspace) =>
        explicitKeyspace ?? (string.IsNullOrEmpty(sessionKeyspace) ? throw new InvalidRequestException(NoKeyspaceMessage) : sessionKeyspace);

    public static void RequireKeyspace(SchemaSnapshot schema, string keyspace)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!schema.TryGetKeyspace(keyspace, out _)) throw new InvalidRequestException($"Keyspace '{keyspace}' does not exist");
    }

    public static TableSchema Table(SchemaSnapshot schema, QualifiedName name, string? sessionKeyspace)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(name);
        string keyspace = Keyspace(name.Keyspace, sessionKeyspace);
        RequireKeyspace(schema, keyspace);
        return schema.TryGetTable(keyspace, name.Name, out var table) ? table : throw new InvalidRequestException($"unconfigured table {name.Name}");
    }
}
