namespace RingStore.Cql.Ast;

/// <summary>TRUNCATE [TABLE] [ks.]t.</summary>
public sealed record TruncateStatement(QualifiedName Table) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}
