namespace RingStore.Cql.Ast;

/// <summary>A restriction on the token of the partition key: <c>token(id, bucket) &gt; -100</c>.</summary>
public sealed record TokenTarget(ValueList<string> Columns) : RestrictionTarget;
