using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>
/// What changed between two schemas, in the terms the node acts on: storage tables to create and to drop.
/// A table is identified by its <see cref="TableSchema.Id"/>: a name dropped and re-created (another id) shows
/// up as dropped and added, so the node does not keep serving the old table's data under the new definition.
/// </summary>
public sealed record SchemaDiff(
    IReadOnlyList<KeyspaceDefinition> KeyspacesAdded,
    IReadOnlyList<KeyspaceDefinition> KeyspacesDropped,
    IReadOnlyList<TableSchema> TablesAdded,
    IReadOnlyList<TableSchema> TablesDropped)
{
    public bool IsEmpty => KeyspacesAdded.Count == 0 && KeyspacesDropped.Count == 0 && TablesAdded.Count == 0 && TablesDropped.Count == 0;

    public static SchemaDiff Between(SchemaSnapshot before, SchemaSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var beforeTables = before.Tables.ToDictionary(t => t.FullName, StringComparer.Ordinal);
        var afterTables = after.Tables.ToDictionary(t => t.FullName, StringComparer.Ordinal);
        var beforeKeyspaces = before.Keyspaces.ToDictionary(k => k.Name, StringComparer.Ordinal);
        var afterKeyspaces = after.Keyspaces.ToDictionary(k => k.Name, StringComparer.Ordinal);
        return new SchemaDiff(
            [.. after.Keyspaces.Where(k => !beforeKeyspaces.TryGetValue(k.Name, out var old) || !old.Equals(k))],
            [.. before.Keyspaces.Where(k => !afterKeyspaces.TryGetValue(k.Name, out var now) || !now.Equals(k))],
            [.. after.Tables.Where(t => !beforeTables.TryGetValue(t.FullName, out var old) || old.Id != t.Id)],
            [.. before.Tables.Where(t => !afterTables.TryGetValue(t.FullName, out var now) || now.Id != t.Id)]);
    }
}
