namespace RingStore.Cql.Ast;

/// <summary>A restriction on one column: <c>ts &gt;= ?</c>.</summary>
public sealed record ColumnTarget(string Column) : RestrictionTarget;
