using RingStore.Core.Errors;
using RingStore.Core.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;
using RingStore.Cql.Ast;
using RingStore.Node.Schema;

namespace RingStore.Node.Cql;

/// <summary>
/// What each '?' of a statement binds to (the column, or Cassandra's pseudo-columns [limit], [ttl], [timestamp]
/// and "partition key token"), the table it touches, and which markers give the partition key (for token-aware
/// routing). Resolving columns here also reports unknown tables and columns at PREPARE time, as Cassandra does.
/// </summary>
public sealed class BindMetadata
{
    private readonly CqlColumn?[] _slots;

    private BindMetadata(int markers) => _slots = new CqlColumn?[markers];

    public IReadOnlyList<CqlColumn> Columns => _slots.Select((c, i) => c ?? new CqlColumn { Name = $"[{i}]" }).ToList();

    public TableSchema? Table { get; private set; }

    public string Keyspace { get; private set; } = "";

    /// <summary>Marker indexes giving each partition-key column by =, in key order; empty unless all are bound.</summary>
    public IReadOnlyList<int> PartitionKeyIndexes { get; private set; } = [];

    public static BindMetadata Of(CqlStatement statement, SchemaSnapshot schema, string? sessionKeyspace)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(schema);
        var meta = new BindMetadata(statement.BindMarkerCount);
        switch (statement)
        {
            case SelectStatement select:
                meta.Table = TableResolver.Table(schema, select.Table, sessionKeyspace);
                meta.Where(meta.Table, select.Where, routing: true);
                if (select.PerPartitionLimit is not null) meta.Mark(select.PerPartitionLimit, "[per_partition_limit]", ColumnType.Int);
                if (select.Limit is not null) meta.Mark(select.Limit, "[limit]", ColumnType.Int);
                break;
            case BatchStatement batch:
                if (batch.Using.Timestamp is not null) meta.Mark(batch.Using.Timestamp, "[timestamp]", ColumnType.BigInt);
                foreach (var s in batch.Statements)
                {
                    var table = meta.Modification(schema, s, sessionKeyspace, routing: false);
                    meta.Table ??= table;
                }
                break;
            case ModificationStatement modification:
                meta.Table = meta.Modification(schema, modification, sessionKeyspace, routing: true);
                break;
            case CreateKeyspaceStatement or DropKeyspaceStatement or UseStatement:
                break;
            case CreateTableStatement create:
                meta.Keyspace = TableResolver.Keyspace(create.Table.Keyspace, sessionKeyspace);
                break;
            case DropTableStatement drop:
                meta.Keyspace = TableResolver.Keyspace(drop.Table.Keyspace, sessionKeyspace);
                break;
            case CreateIndexStatement create:
                meta.Table = TableResolver.Table(schema, create.Table, sessionKeyspace);
                break;
            case DropIndexStatement drop:
                meta.Keyspace = TableResolver.Keyspace(drop.Index.Keyspace, sessionKeyspace);
                break;
            case TruncateStatement truncate:
                meta.Table = TableResolver.Table(schema, truncate.Table, sessionKeyspace);
                break;
            default:
                throw new InvalidRequestException($"Cannot prepare {statement.GetType().Name}");
        }
        if (meta.Table is not null) meta.Keyspace = meta.Table.Keyspace;
        return meta;
    }

    private TableSchema Modification(SchemaSnapshot schema, ModificationStatement statement, string? sessionKeyspace, bool routing)
    {
        var table = TableResolver.Table(schema, statement.Table, sessionKeyspace);
        switch (statement)
        {
            case InsertStatement insert:
                for (int i = 0; i < insert.Columns.Count; i++) Mark(insert.Values[i], table, ColumnRef.Resolve(table, insert.Columns[i]));
                if (routing) KeyIndexes(table, insert.Columns.Select((c, i) => (c, insert.Values[i])));
                break;
            case UpdateStatement update:
                foreach (var a in update.Assignments) Mark(a.Value, table, ColumnRef.Resolve(table, a.Column));
                Where(table, update.Where, routing);
                break;
            case DeleteStatement delete:
                Where(table, delete.Where, routing);
                break;
        }
        // USING comes first in UPDATE/DELETE text and last in INSERT; markers are indexed, so order does not matter.
        if (statement.Using.TimeToLive is not null) Mark(statement.Using.TimeToLive, "[ttl]", ColumnType.Int);
        if (statement.Using.Timestamp is not null) Mark(statement.Using.Timestamp, "[timestamp]", ColumnType.BigInt);
        return table;
    }

    private void Where(TableSchema table, IReadOnlyList<Restriction> where, bool routing)
    {
        foreach (var r in where)
        {
            if (r.Target is TokenTarget)
            {
                foreach (var v in r.Values) MarkToken(v, table);
                continue;
            }
            var column = ColumnRef.Resolve(table, ((ColumnTarget)r.Target).Column);
            foreach (var v in r.Values) Mark(v, table, column);
        }
        if (routing)
        {
            KeyIndexes(table, where.Where(r => r.Operator == RelationOperator.Equal && r.Target is ColumnTarget)
                .Select(r => (((ColumnTarget)r.Target).Column, r.Value)));
        }
    }

    private void KeyIndexes(TableSchema table, IEnumerable<(string Column, Term Term)> equalities)
    {
        var byColumn = equalities.GroupBy(e => e.Column, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Term, StringComparer.Ordinal);
        var indexes = new List<int>();
        foreach (var column in table.PartitionKey)
        {
            if (!byColumn.TryGetValue(column.Name, out var term) || term is not BindMarker marker) return;
            indexes.Add(marker.Index);
        }
        PartitionKeyIndexes = indexes;
    }

    private void MarkToken(Term term, TableSchema table)
    {
        if (term is FunctionCall call)
        {
            for (int i = 0; i < call.Arguments.Count && i < table.PartitionKey.Count; i++)
                Mark(call.Arguments[i], table.PartitionKey[i].Name, table.PartitionKey[i].Type);
            return;
        }
        Mark(term, "partition key token", ColumnType.BigInt);
    }

    private void Mark(Term term, TableSchema table, ColumnRef column) =>
        Mark(term, column.Name, column.Type, column.Kind == ColumnKind.Clustering && table.Clustering[column.Index].Order == ClusteringOrder.Desc);

    private void Mark(Term term, string name, ColumnType type, bool descending = false)
    {
        if (term is BindMarker marker) _slots[marker.Index] = new CqlColumn { Name = name, Type = type, Descending = descending };
    }
}
