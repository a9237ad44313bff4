namespace RingStore.Cql.Ast;

/// <summary>DROP TABLE [IF EXISTS] [ks.]t.</summary>
public sealed record DropTableStatement(QualifiedName Table, bool IfExists) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}
