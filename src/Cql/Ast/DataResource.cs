namespace RingStore.Cql.Ast;

/// <summary>What a permission is granted on: ALL KEYSPACES, KEYSPACE k or TABLE [k.]t.</summary>
public enum DataResourceKind
{
    AllKeyspaces,
    Keyspace,
    Table,
}

/// <summary>
/// A data resource as written in GRANT/REVOKE/LIST. For <see cref="DataResourceKind.Table"/> the keyspace may be null
/// (the session keyspace, as for any table name).
/// </summary>
public sealed record DataResource(DataResourceKind Kind, string? Keyspace, string? Table)
{
    public static DataResource AllKeyspaces { get; } = new(DataResourceKind.AllKeyspaces, null, null);
}
