namespace RingStore.Cql.Ast;

/// <summary>SELECT token(a, b): the partition token of each row.</summary>
public sealed record TokenSelector(ValueList<string> Columns) : Selector;
