namespace RingStore.Cql.Ast;

/// <summary>A value in a statement: a <see cref="Literal"/>, a <see cref="BindMarker"/> or a <see cref="FunctionCall"/>.</summary>
public abstract record Term;
