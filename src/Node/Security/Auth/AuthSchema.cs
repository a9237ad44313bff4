using System.IO.Hashing;
using System.Text;
using RingStore.Core.Schema;
using RingStore.Node.Schema;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// The replicated keyspace the roles live in, created by every node with the authenticator on, at start:
/// <code>
/// system_auth.roles            (role text PRIMARY KEY, is_superuser boolean, can_login boolean, salted_hash text)
/// system_auth.role_members     (role text, member_of text, PRIMARY KEY (role, member_of))  -- roles granted to role
/// system_auth.role_permissions (role text, resource text, permission text, PRIMARY KEY (role, resource, permission))
/// </code>
/// Replication: SimpleStrategy, RF 3. Cassandra ships system_auth at RF 1 and tells operators to raise it (a lost
/// node would otherwise lock everyone out of its ranges); RingStore has no ALTER KEYSPACE, so it starts at 3, which on
/// clusters of 1-3 nodes means "on every node". Every node writes the same entries with a fixed timestamp and table
/// ids derived from the names, so nodes starting at once merge to one identical schema (no "two tables of one name").
/// </summary>
public static class AuthSchema
{
    public const string Keyspace = "system_auth";
    public const string Roles = "roles";
    public const string RoleMembers = "role_members";
    public const string RolePermissions = "role_permissions";
    public const int ReplicationFactor = 3;

    /// <summary>1 s after the epoch: older than any DDL a person types, so an explicit change would win (none is allowed).</summary>
    private const long FixedTimestampMicros = 1_000_000;

    public static SchemaSnapshot Definitions()
    {
        var keyspace = KeyspaceEntry.Created(KeyspaceDefinition.Simple(Keyspace, ReplicationFactor), FixedTimestampMicros);
        TableSchema[] tables =
        [
            Table(Roles, [new("role", ColumnType.Text)], [],
                [new("is_superuser", ColumnType.Boolean), new("can_login", ColumnType.Boolean), new("salted_hash", ColumnType.Text)]),
            Table(RoleMembers, [new("role", ColumnType.Text)], [new("member_of", ColumnType.Text)], []),
            Table(RolePermissions, [new("role", ColumnType.Text)], [new("resource", ColumnType.Text), new("permission", ColumnType.Text)], []),
        ];
        return SchemaSnapshot.FromEntries([keyspace], tables.Select(t => TableEntry.Created(t, FixedTimestampMicros)));
    }

    /// <summary>Merges the definitions into the node's schema (a no-op once present); the engine creates the tables on the change.</summary>
    public static bool Ensure(SchemaManager schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.MergeRemote(Definitions());
    }

    private static TableSchema Table(string name, ColumnDefinition[] key, ClusteringColumn[] clustering, ColumnDefinition[] regular) =>
        new(Keyspace, name, key, clustering, regular, options: null, id: new Guid(XxHash128.Hash(Encoding.UTF8.GetBytes($"{Keyspace}.{name}"))));
}
