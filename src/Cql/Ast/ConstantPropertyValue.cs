namespace RingStore.Cql.Ast;

/// <summary>A property set to a constant: <c>gc_grace_seconds = 3600</c>.</summary>
public sealed record ConstantPropertyValue(Literal Value) : PropertyValue;
