namespace RingStore.Cql.Ast;

/// <summary>The operator of a WHERE restriction.</summary>
public enum RelationOperator
{
    Equal,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    In,
}
