namespace RingStore.Cql.Ast;

/// <summary>A function applied to terms; the grammar only produces token(...) (the right side of a token restriction).</summary>
public sealed record FunctionCall(string Name, ValueList<Term> Arguments) : Term;
