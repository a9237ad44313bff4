namespace RingStore.Cql.Ast;

/// <summary>One <c>column = term</c> of UPDATE ... SET.</summary>
public sealed record Assignment(string Column, Term Value);
