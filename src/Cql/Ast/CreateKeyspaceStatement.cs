namespace RingStore.Cql.Ast;

/// <summary>
/// CREATE KEYSPACE [IF NOT EXISTS] ks WITH replication = {...} [AND durable_writes = ...].
/// The parser guarantees a map-valued 'replication' property; the strategy class and its
/// factors are the executor's to validate.
/// </summary>
public sealed record CreateKeyspaceStatement(string Keyspace, bool IfNotExists, ValueList<PropertyAssignment> Properties) : CqlStatement
{
    public MapPropertyValue Replication => (MapPropertyValue)Properties.Find("replication")!;

    public override IEnumerable<Term> Terms() => [];
}
