using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql.Aggregates;

/// <summary>One aggregate of a SELECT: the function and its column (null for COUNT(*)).</summary>
public sealed record AggregateItem(AggregateFunction Function, ColumnRef? Column)
{
    /// <summary>The result column's type: bigint for COUNT, the column's type for SUM/AVG/MIN/MAX (as Cassandra).</summary>
    public ColumnType ResultType => Function == AggregateFunction.Count ? ColumnType.BigInt : Column!.Type;

    /// <summary>The result column's default name, as Cassandra names it ("count", "system.sum(v)").</summary>
    public string DefaultName => Column is null ? "count" : $"system.{Function.ToString().ToLowerInvariant()}({Column.Name})";

    /// <summary>The function's name on the wire (RangeAggregate verb).</summary>
    public string WireName => Function.ToString().ToUpperInvariant();
}

/// <summary>
/// What an aggregate SELECT computes: its aggregates in select order, whether rows are grouped by partition key
/// (GROUP BY every partition-key column, in order), and, with grouping, which output columns are partition-key
/// columns (index into the key) rather than aggregates (index into <see cref="Items"/>).
/// </summary>
public sealed record AggregatePlan(IReadOnlyList<AggregateItem> Items, bool GroupByPartition, IReadOnlyList<(bool IsKey, int Index)> Outputs)
{
    /// <summary>SUM and AVG need a number; MIN and MAX an ordered type (every type RingStore has).</summary>
    public static AggregateItem Item(TableSchema table, AggregateFunction function, string? column)
    {
        if (column is null) return new AggregateItem(AggregateFunction.Count, null);
        var c = ColumnRef.Resolve(table, column);
        if (function is AggregateFunction.Sum or AggregateFunction.Avg && c.Type is not (ColumnType.Int or ColumnType.BigInt or ColumnType.Double))
            throw new InvalidRequestException($"Invalid call to function {function.ToString().ToLowerInvariant()}, none of its type signatures match " +
                $"(column {c.Name} is {c.Type.ToString().ToLowerInvariant()}; sum and avg take int, bigint or double)");
        return new AggregateItem(function, c);
    }

    /// <summary>From the wire: functions by name, columns by name (null for COUNT(*)), resolved against this node's schema.</summary>
    public static AggregatePlan FromWire(TableSchema table, IReadOnlyList<string> functions, IReadOnlyList<string?> columns, bool groupByPartition)
    {
        if (functions.Count != columns.Count || functions.Count == 0) throw new FormatException("aggregate functions and columns do not match");
        var items = new List<AggregateItem>();
        for (int i = 0; i < functions.Count; i++)
        {
            if (!Enum.TryParse<AggregateFunction>(functions[i], ignoreCase: true, out var f)) throw new FormatException($"unknown aggregate {functions[i]}");
            items.Add(Item(table, f, columns[i]));
        }
        return new AggregatePlan(items, groupByPartition, items.Select((_, i) => (false, i)).ToList());
    }
}
