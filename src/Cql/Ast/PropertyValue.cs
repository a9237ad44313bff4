namespace RingStore.Cql.Ast;

/// <summary>The right side of a WITH property: a constant or a map literal.</summary>
public abstract record PropertyValue;
