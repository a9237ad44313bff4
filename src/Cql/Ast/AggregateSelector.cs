namespace RingStore.Cql.Ast;

/// <summary>An aggregate over one column: COUNT(col), SUM(col), AVG(col), MIN(col), MAX(col). COUNT(*) is <see cref="CountSelector"/>.</summary>
public sealed record AggregateSelector(AggregateFunction Function, string Column) : Selector;

/// <summary>The aggregate functions of a SELECT (values are not on any wire).</summary>
public enum AggregateFunction
{
    Count,
    Sum,
    Avg,
    Min,
    Max,
}
