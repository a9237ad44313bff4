using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>One WHERE relation on a column, with the column resolved.</summary>
public sealed record ColumnRestriction(ColumnRef Column, RelationOperator Operator, IReadOnlyList<Term> Values)
{
    /// <summary>The single right-hand term (not meaningful for IN).</summary>
    public Term Value => Values[0];

    public bool IsEqualityOrIn => Operator is RelationOperator.Equal or RelationOperator.In;

    public bool IsLowerBound => Operator is RelationOperator.GreaterThan or RelationOperator.GreaterThanOrEqual;

    public bool IsUpperBound => Operator is RelationOperator.LessThan or RelationOperator.LessThanOrEqual;

    public bool IsInclusive => Operator is RelationOperator.GreaterThanOrEqual or RelationOperator.LessThanOrEqual;
}
