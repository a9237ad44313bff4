namespace RingStore.Cql.Ast;

/// <summary>A table name, optionally qualified by its keyspace (null: the session's current keyspace).</summary>
public sealed record QualifiedName(string? Keyspace, string Name)
{
    public override string ToString() => Keyspace is null ? Name : Keyspace + "." + Name;
}
