using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;
using RingStore.Node.Cql.Aggregates;

namespace RingStore.Node.Cql;

/// <summary>
/// What a SELECT returns per row: <c>*</c> (partition key, clustering, regular columns in schema order), a column
/// list, <c>token(pk...)</c> as bigint "system.token(pk)", or aggregates (<c>COUNT(*)</c> as one bigint "count",
/// COUNT/SUM/AVG/MIN/MAX(column) as "system.sum(v)" ...; with GROUP BY the partition-key columns beside them: see
/// <see cref="Aggregate"/>) — each with an optional alias.
/// </summary>
public sealed class Selection
{
    private readonly TableSchema _table;
    private readonly IReadOnlyList<(ColumnRef? Column, bool IsToken)> _items;

    private Selection(TableSchema table, IReadOnlyList<CqlColumn> columns, IReadOnlyList<(ColumnRef?, bool)> items, bool isCount, bool isWildcard)
    {
        _table = table;
        Columns = columns;
        _items = items;
        IsCount = isCount;
        IsWildcard = isWildcard;
    }

    public IReadOnlyList<CqlColumn> Columns { get; }

    public bool IsCount { get; }

    /// <summary>The aggregates of an aggregate SELECT (COUNT(*) included), null otherwise.</summary>
    public AggregatePlan? Aggregate { get; private init; }

    public bool IsWildcard { get; }

    public static Selection Build(TableSchema table, SelectStatement select)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(select);
        if (select.IsWildcard) return new Selection(table, CqlRows.Columns(table), [], false, true);
        bool hasAggregate = select.Selectors.Any(s => s.Selector is CountSelector or AggregateSelector);
        if (hasAggregate || select.GroupBy is not null) return BuildAggregate(table, select);

        var columns = new List<CqlColumn>();
        var items = new List<(ColumnRef?, bool)>();
        foreach (var item in select.Selectors)
        {
            switch (item.Selector)
            {
                case ColumnSelector c:
                    var column = ColumnRef.Resolve(table, c.Column);
                    columns.Add(new CqlColumn
                    {
                        Name = item.Alias ?? column.Name,
                        Type = column.Type,
                        Descending = column.Kind == ColumnKind.Clustering && table.Clustering[column.Index].Order == ClusteringOrder.Desc,
                    });
                    items.Add((column, false));
                    break;
                case TokenSelector t:
                    WhereClause.CheckTokenColumns(table, t.Columns);
                    columns.Add(new CqlColumn { Name = item.Alias ?? $"system.token({string.Join(", ", t.Columns)})", Type = ColumnType.BigInt });
                    items.Add((null, true));
                    break;
                default:
                    throw new InvalidRequestException($"Unsupported selector {item.Selector}");
            }
        }
        return new Selection(table, columns, items, false, false);
    }

    /// <summary>
    /// Aggregates, and with GROUP BY (every partition-key column, in order: groups are partitions) the partition-key
    /// columns beside them. Other columns cannot be selected with aggregates (Cassandra would return an arbitrary row's).
    /// </summary>
    private static Selection BuildAggregate(TableSchema table, SelectStatement select)
    {
        bool grouped = false;
        if (select.GroupBy is { } groupBy)
        {
            if (!groupBy.SequenceEqual(table.PartitionKey.Select(c => c.Name)))
                throw new InvalidRequestException($"GROUP BY must list the partition key columns in order ({string.Join(", ", table.PartitionKey.Select(c => c.Name))}): grouping by clustering columns is not supported");
            grouped = true;
        }
        if (select.IsWildcard) throw new InvalidRequestException("SELECT * cannot be used with GROUP BY");
        var columns = new List<CqlColumn>();
        var items = new List<AggregateItem>();
        var outputs = new List<(bool, int)>();
        foreach (var item in select.Selectors)
        {
            switch (item.Selector)
            {
                case CountSelector:
                    outputs.Add((false, items.Count));
                    items.Add(new AggregateItem(AggregateFunction.Count, null));
                    columns.Add(new CqlColumn { Name = item.Alias ?? "count", Type = ColumnType.BigInt });
                    break;
                case AggregateSelector a:
                    var aggregate = AggregatePlan.Item(table, a.Function, a.Column);
                    outputs.Add((false, items.Count));
                    items.Add(aggregate);
                    columns.Add(new CqlColumn { Name = item.Alias ?? aggregate.DefaultName, Type = aggregate.ResultType });
                    break;
                case ColumnSelector c when grouped:
                    var column = ColumnRef.Resolve(table, c.Column);
                    if (column.Kind != ColumnKind.PartitionKey)
                        throw new InvalidRequestException($"Only the GROUP BY columns can be selected with aggregates, not {column.Name}");
                    outputs.Add((true, column.Index));
                    columns.Add(new CqlColumn { Name = item.Alias ?? column.Name, Type = column.Type });
                    break;
                default:
                    throw new InvalidRequestException("Aggregates cannot be selected together with other columns or functions (except the GROUP BY columns)");
            }
        }
        if (items.Count == 0) throw new InvalidRequestException("GROUP BY needs at least one aggregate in the selection");
        return new Selection(table, columns, [], true, false) { Aggregate = new AggregatePlan(items, grouped, outputs) };
    }

    /// <summary>One result row for a live row of the partition with these key values and token.</summary>
    public CqlRow Project(object[] partitionKey, Token token, Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (IsWildcard) return CqlRows.Build(_table, partitionKey, row);
        var clustering = ClusteringKeyCodec.Decode(_table.Clustering, row.Clustering);
        var result = new CqlRow();
        foreach (var (column, isToken) in _items)
        {
            if (isToken)
            {
                result.Values.Add(token.Value);
                continue;
            }
            object? value = column!.Kind switch
            {
                ColumnKind.PartitionKey => partitionKey[column.Index],
                ColumnKind.Clustering => column.Index < clustering.Length ? clustering[column.Index] : null,
                _ => row.CellFor(column.Index) is { Value: not null } cell ? ValueCodec.Deserialize(column.Type, cell.Value) : null,
            };
            result.Values.Add(value);
        }
        return result;
    }
}
