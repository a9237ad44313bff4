namespace RingStore.Cql.Ast;

/// <summary>UPDATE [ks.]t [USING ...] SET c = v, ... WHERE restrictions.</summary>
public sealed record UpdateStatement(QualifiedName Table, UsingClause Using, ValueList<Assignment> Assignments, ValueList<Restriction> Where)
    : ModificationStatement(Table, Using)
{
    public override IEnumerable<Term> Terms() =>
        Using.Terms().Concat(Assignments.Select(a => a.Value)).Concat(Where.SelectMany(r => r.Values));
}
