namespace RingStore.Cql.Ast;

/// <summary>
/// One relation of a WHERE clause. <see cref="Values"/> holds exactly one term for every operator
/// but IN, and the list (possibly empty, as Cassandra allows) for IN.
/// </summary>
public sealed record Restriction(RestrictionTarget Target, RelationOperator Operator, ValueList<Term> Values)
{
    public static Restriction Column(string column, RelationOperator op, Term value) => new(new ColumnTarget(column), op, [value]);

    /// <summary>The single right-hand term (not meaningful for IN).</summary>
    public Term Value => Values[0];
}
