using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;
using RingStore.Node.Requests;

namespace RingStore.Node.Indexes;

/// <summary>
/// Whether a SELECT is answered by a local secondary index, and how: an <c>=</c> on an indexed regular column, with
/// no token() restriction and either no partition-key restriction or all of it by <c>=</c> (then only that partition's
/// token is looked up). Other restrictions are filtered on the re-checked base rows and, as in Cassandra, need
/// ALLOW FILTERING. Anything else (IN on the key, ranges only, no index on the column) goes the usual way.
/// </summary>
public static class IndexQueryPlanner
{
    /// <summary>The pager of an index query, or null when the query does not use an index.</summary>
    public static IPager? TryPlan(TableSchema table, WhereClause where, SelectStatement select, TermBinder binder, ConsistencyLevel consistency,
        IndexLookupCoordinator? lookups, ReadCoordinator reads, RangeReadCoordinator rangeReads, ScatterGatherDriver? scatter)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(where);
        ArgumentNullException.ThrowIfNull(select);
        if (lookups is null || table.Options.Indexes.Count == 0 || where.Token.Count > 0) return null;
        var indexed = where.Regular.FirstOrDefault(r => r.Operator == RelationOperator.Equal && table.Options.IndexOn(r.Column.Name) is not null);
        if (indexed is null) return null;
        byte[]? partitionKey = null;
        if (where.HasAnyPartitionKey)
        {
            if (!where.HasFullPartitionKey || where.PartitionKey.Any(r => r!.Operator != RelationOperator.Equal)) return null;
            partitionKey = PartitionKeys.From(where, binder)[0];
        }
        var others = where.AllColumnRestrictions.Where(r => r != indexed && !where.PartitionKey.Contains(r)).ToList();
        if (others.Count > 0 && !select.AllowFiltering) throw new InvalidRequestException(SelectExecutor.FilteringMessage);
        if (select.OrderBy.Count > 0) throw new InvalidRequestException("ORDER BY with 2ndary indexes is not supported.");
        var type = indexed.Column.Type;
        object v = binder.Value(indexed.Value, type, indexed.Column.Name)
            ?? throw new InvalidRequestException($"Unsupported null value for indexed column {indexed.Column.Name}");
        byte[] value = ValueCodec.Serialize(type, v, indexed.Column.Name);
        // Empty values are not indexed (nor are they partition keys): such a query goes the usual way (ALLOW FILTERING).
        if (value.Length == 0) return null;
        // Longer values are not indexed (they cannot be the index table's partition key): refuse, as Cassandra does.
        if (value.Length > Storage.Indexes.IndexEntries.MaxValueBytes) throw new InvalidRequestException("Index expression values may not be larger than 64K");
        // The re-check: the indexed equality and every other restriction, on the newest base row.
        var filter = RowFilter.Build(others.Prepend(indexed), binder);
        var index = table.Options.IndexOn(indexed.Column.Name)!;
        return new IndexPager(lookups, reads, rangeReads, scatter, table, index.Name, value, partitionKey, filter, consistency);
    }
}
