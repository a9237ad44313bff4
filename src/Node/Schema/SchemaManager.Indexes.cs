using RingStore.Core.Errors;
using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>
/// CREATE INDEX / DROP INDEX. An index is part of its table's options (<see cref="TableOptions.Indexes"/>), so a change
/// is a new entry of the table (same id, newer timestamp) and travels, merges and persists exactly as CREATE TABLE
/// does. Index names are unique within a keyspace, as in Cassandra (DROP INDEX names only the keyspace).
/// </summary>
public sealed partial class SchemaManager
{
    /// <summary>
    /// Adds <paramref name="index"/> to <paramref name="keyspace"/>.<paramref name="table"/>. Returns false when an index
    /// of that name exists and <paramref name="ifNotExists"/> is set (or the column already has an index, then always).
    /// </summary>
    public bool CreateIndex(string keyspace, string table, IndexDefinition index, bool ifNotExists)
    {
        ArgumentNullException.ThrowIfNull(index);
        lock (_gate)
        {
            if (!_current.TryGetTable(keyspace, table, out var schema))
                throw new InvalidRequestException($"Cannot create index {index.Name}: table {keyspace}.{table} does not exist.");
            if (FindIndex(keyspace, index.Name) is { } existing)
            {
                return ifNotExists ? false : throw new InvalidRequestException($"Index {index.Name} already exists (on {existing.FullName})");
            }
            if (schema!.Options.IndexOn(index.Column) is { } onColumn)
            {
                return ifNotExists ? false : throw new InvalidRequestException($"Index {onColumn.Name} already indexes column {index.Column} of {schema.FullName}");
            }
            var changed = schema.WithOptions(schema.Options with { Indexes = [.. schema.Options.Indexes, index] });
            TableValidator.Validate(changed);
            Apply(_current.With(TableEntry.Created(changed, NextTimestampMicros())));
            return true;
        }
    }

    /// <summary>DROP INDEX [IF EXISTS] ks.name. Returns the table it was on, or null when absent and <paramref name="ifExists"/> is set.</summary>
    public TableSchema? DropIndex(string keyspace, string name, bool ifExists)
    {
        lock (_gate)
        {
            if (FindIndex(keyspace, name) is not { } schema)
            {
                return ifExists ? null : throw new InvalidRequestException($"Index '{keyspace}.{name}' doesn't exist");
            }
            var changed = schema.WithOptions(schema.Options with { Indexes = [.. schema.Options.Indexes.Where(i => i.Name != name)] });
            Apply(_current.With(TableEntry.Created(changed, NextTimestampMicros())));
            return changed;
        }
    }

    /// <summary>The table of <paramref name="keyspace"/> that has an index named <paramref name="name"/>, or null.</summary>
    public TableSchema? FindIndex(string keyspace, string name) =>
        Current.TablesOf(keyspace).FirstOrDefault(t => t.Options.IndexNamed(name) is not null);
}
