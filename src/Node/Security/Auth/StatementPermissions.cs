using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Pure: the permissions a data or schema statement needs, as Cassandra's CassandraAuthorizer asks them. SELECT reads
/// need SELECT on the table; INSERT/UPDATE/DELETE/BATCH and TRUNCATE need MODIFY on each table; CREATE KEYSPACE needs
/// CREATE on ALL KEYSPACES, CREATE TABLE needs CREATE on the keyspace, DROP needs DROP on what is dropped; USE needs
/// nothing. Role statements check themselves (<see cref="RoleStatementExecutor"/>). A statement kind this class does
/// not know needs a superuser (fail closed: a new statement type is never open to everyone by accident).
/// </summary>
public static class StatementPermissions
{
    /// <summary>The keyspace the node keeps roles in: clients may read it with SELECT, never write or drop it.</summary>
    public const string AuthKeyspace = AuthSchema.Keyspace;

    /// <summary>What one permission check asks.</summary>
    public sealed record Requirement(CqlPermission Permission, AuthResource Resource);

    /// <summary>
    /// The checks <paramref name="statement"/> needs; null when only a superuser may run it. Throws
    /// InvalidRequest (as execution would) when a table name has no keyspace and no session keyspace is set.
    /// </summary>
    public static IReadOnlyList<Requirement>? Required(CqlStatement statement, string? sessionKeyspace)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return statement switch
        {
            SelectStatement s => [new(CqlPermission.Select, Table(s.Table, sessionKeyspace))],
            ModificationStatement m => [new(CqlPermission.Modify, Table(m.Table, sessionKeyspace))],
            BatchStatement b => b.Statements.Select(m => new Requirement(CqlPermission.Modify, Table(m.Table, sessionKeyspace))).Distinct().ToList(),
            TruncateStatement t => [new(CqlPermission.Modify, Table(t.Table, sessionKeyspace))],
            CreateKeyspaceStatement => [new(CqlPermission.Create, AuthResource.Root)],
            DropKeyspaceStatement d => [new(CqlPermission.Drop, AuthResource.OfKeyspace(d.Keyspace))],
            CreateTableStatement c => [new(CqlPermission.Create, AuthResource.OfKeyspace(TableResolver.Keyspace(c.Table.Keyspace, sessionKeyspace)))],
            DropTableStatement d => [new(CqlPermission.Drop, Table(d.Table, sessionKeyspace))],
            // As Cassandra: an index is a change of its table (ALTER on it; DROP INDEX on its keyspace, the table unnamed).
            CreateIndexStatement c => [new(CqlPermission.Alter, Table(c.Table, sessionKeyspace))],
            DropIndexStatement d => [new(CqlPermission.Alter, AuthResource.OfKeyspace(TableResolver.Keyspace(d.Index.Keyspace, sessionKeyspace)))],
            UseStatement => [],
            _ => null,
        };
    }

    /// <summary>
    /// True when the statement would change system_auth (write, truncate, create or drop there): refused for every
    /// client, superusers included; roles change only through the role statements.
    /// </summary>
    public static bool TouchesAuthKeyspace(IReadOnlyList<Requirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        return requirements.Any(r => r.Permission != CqlPermission.Select
            && string.Equals(r.Resource.Keyspace, AuthKeyspace, StringComparison.Ordinal));
    }

    private static AuthResource Table(QualifiedName name, string? sessionKeyspace) =>
        AuthResource.OfTable(TableResolver.Keyspace(name.Keyspace, sessionKeyspace), name.Name);

    /// <summary>Cassandra's wording: "User bob has no SELECT permission on &lt;table ks.t&gt; or any of its parents".</summary>
    public static UnauthorizedException Refusal(string role, Requirement requirement)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return new UnauthorizedException(
            $"User {role} has no {PermissionNames.Name(requirement.Permission)} permission on {requirement.Resource} or any of its parents");
    }
}
