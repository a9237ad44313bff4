namespace RingStore.Cql.Ast;

/// <summary>CREATE INDEX [IF NOT EXISTS] [name] ON [ks.]t (column). A null name is chosen by the node (t_column_idx, as Cassandra).</summary>
public sealed record CreateIndexStatement(string? Name, QualifiedName Table, string Column, bool IfNotExists) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}
