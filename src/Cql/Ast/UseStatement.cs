namespace RingStore.Cql.Ast;

/// <summary>USE ks: sets the session's current keyspace.</summary>
public sealed record UseStatement(string Keyspace) : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}
