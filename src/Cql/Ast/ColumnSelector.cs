namespace RingStore.Cql.Ast;

/// <summary>SELECT col.</summary>
public sealed record ColumnSelector(string Column) : Selector;
