namespace RingStore.Cql.Ast;

/// <summary>A '?' placeholder. <see cref="Index"/> counts from 0 in order of appearance in the statement text.</summary>
public sealed record BindMarker(int Index) : Term;
