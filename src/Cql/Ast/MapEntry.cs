namespace RingStore.Cql.Ast;

/// <summary>One <c>'key': value</c> pair of a map literal. Keys are string constants.</summary>
public sealed record MapEntry(string Key, Literal Value);
