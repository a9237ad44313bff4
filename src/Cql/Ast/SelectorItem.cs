namespace RingStore.Cql.Ast;

/// <summary>A selector with its optional AS alias.</summary>
public sealed record SelectorItem(Selector Selector, string? Alias = null);
