namespace RingStore.Cql.Ast;

/// <summary>INSERT INTO [ks.]t (columns) VALUES (terms) [USING ...]. Columns and values have the same count (checked by the parser).</summary>
public sealed record InsertStatement(QualifiedName Table, ValueList<string> Columns, ValueList<Term> Values, UsingClause Using)
    : ModificationStatement(Table, Using)
{
    public override IEnumerable<Term> Terms() => Values.Concat(Using.Terms());
}
