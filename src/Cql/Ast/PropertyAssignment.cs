namespace RingStore.Cql.Ast;

/// <summary>One <c>name = value</c> of a WITH clause. Names are folded to lower case like identifiers.</summary>
public sealed record PropertyAssignment(string Name, PropertyValue Value);
