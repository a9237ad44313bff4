using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>
/// What a schema knows about one table name ("ks.table"): the table set by the latest CREATE, or null when
/// the latest change was a DROP (a tombstone), with that change's timestamp in microseconds.
/// </summary>
public sealed class TableEntry
{
    public TableEntry(string keyspace, string name, TableSchema? table, long timestampMicros)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyspace);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (table is not null && (!string.Equals(table.Keyspace, keyspace, StringComparison.Ordinal) || !string.Equals(table.Name, name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Entry '{keyspace}.{name}' cannot hold table '{table.FullName}'.", nameof(table));
        }

        Keyspace = keyspace;
        Name = name;
        Table = table;
        TimestampMicros = timestampMicros;
    }

    public string Keyspace { get; }

    public string Name { get; }

    /// <summary>"ks.table", the key the storage engine uses.</summary>
    public string FullName => $"{Keyspace}.{Name}";

    /// <summary>Null: the latest change was a drop.</summary>
    public TableSchema? Table { get; }

    public long TimestampMicros { get; }

    public bool IsDropped => Table is null;

    public static TableEntry Created(TableSchema table, long timestampMicros)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new TableEntry(table.Keyspace, table.Name, table, timestampMicros);
    }

    public static TableEntry Dropped(string keyspace, string name, long timestampMicros) => new(keyspace, name, null, timestampMicros);

    public override string ToString() => IsDropped ? $"{FullName} dropped @{TimestampMicros}" : $"{FullName} ({Table!.Id}) @{TimestampMicros}";
}
