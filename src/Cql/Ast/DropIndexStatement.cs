namespace RingStore.Cql.Ast;

/// <summary>DROP INDEX [IF EXISTS] [ks.]name (index names are unique within a keyspace).</summary>
public sealed record DropIndexStatement(QualifiedName Index, bool IfExists) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}
