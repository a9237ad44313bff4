namespace RingStore.Cql.Ast;

/// <summary>BEGIN BATCH (logged) or BEGIN UNLOGGED BATCH.</summary>
public enum BatchKind
{
    Logged,
    Unlogged,
}
