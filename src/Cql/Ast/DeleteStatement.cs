namespace RingStore.Cql.Ast;

/// <summary>
/// DELETE [columns] FROM [ks.]t [USING TIMESTAMP t] WHERE restrictions. No columns: delete rows
/// (a row, a clustering range or a whole partition, depending on the restrictions).
/// </summary>
public sealed record DeleteStatement(ValueList<string> Columns, QualifiedName Table, UsingClause Using, ValueList<Restriction> Where)
    : ModificationStatement(Table, Using)
{
    public override IEnumerable<Term> Terms() => Using.Terms().Concat(Where.SelectMany(r => r.Values));
}
