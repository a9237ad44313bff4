namespace RingStore.Cql.Ast;

/// <summary>One item of a SELECT clause: a <see cref="ColumnSelector"/>, <see cref="CountSelector"/> or <see cref="TokenSelector"/>.</summary>
public abstract record Selector;
