using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Values;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>
/// Restrictions checked on the coordinator after reading (ALLOW FILTERING): =, IN and ranges on any column. A row
/// whose column is null never matches, as in Cassandra.
/// </summary>
public sealed class RowFilter
{
    private readonly List<(ColumnRef Column, RelationOperator Operator, object[] Values)> _predicates = [];

    public static RowFilter None { get; } = new();

    public bool IsEmpty => _predicates.Count == 0;

    public static RowFilter Build(IEnumerable<ColumnRestriction> restrictions, TermBinder binder)
    {
        ArgumentNullException.ThrowIfNull(restrictions);
        ArgumentNullException.ThrowIfNull(binder);
        var filter = new RowFilter();
        foreach (var r in restrictions)
        {
            var values = r.Values.Select(v => binder.Value(v, r.Column.Type, r.Column.Name)
                ?? throw new InvalidRequestException($"Unsupported null value for column {r.Column.Name}")).ToArray();
            filter._predicates.Add((r.Column, r.Operator, values));
        }
        return filter;
    }

    /// <summary>Whether a live row of a partition passes every predicate.</summary>
    public bool Matches(object[] partitionKey, object[] clustering, Row row)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(clustering);
        ArgumentNullException.ThrowIfNull(row);
        foreach (var (column, op, values) in _predicates)
        {
            object? actual = column.Kind switch
            {
                ColumnKind.PartitionKey => partitionKey[column.Index],
                ColumnKind.Clustering => column.Index < clustering.Length ? clustering[column.Index] : null,
                _ => row.CellFor(column.Index) is { Value: not null } cell ? ValueCodec.Deserialize(column.Type, cell.Value) : null,
            };
            if (actual is null || !Holds(column, op, actual, values)) return false;
        }
        return true;
    }

    private static bool Holds(ColumnRef column, RelationOperator op, object actual, object[] values)
    {
        if (op == RelationOperator.In) return values.Any(v => ValueOrder.Compare(column.Type, actual, v) == 0);
        int cmp = ValueOrder.Compare(column.Type, actual, values[0]);
        return op switch
        {
            RelationOperator.Equal => cmp == 0,
            RelationOperator.LessThan => cmp < 0,
            RelationOperator.LessThanOrEqual => cmp <= 0,
            RelationOperator.GreaterThan => cmp > 0,
            _ => cmp >= 0,
        };
    }
}
