namespace RingStore.Cql.Ast;

/// <summary>DROP KEYSPACE [IF EXISTS] ks.</summary>
public sealed record DropKeyspaceStatement(string Keyspace, bool IfExists) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}
