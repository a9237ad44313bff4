namespace RingStore.Cql.Ast;

/// <summary>The left side of a restriction: a <see cref="ColumnTarget"/> or a <see cref="TokenTarget"/>.</summary>
public abstract record RestrictionTarget;
