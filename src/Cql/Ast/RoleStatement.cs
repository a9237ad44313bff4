namespace RingStore.Cql.Ast;

/// <summary>
/// A statement about roles and permissions (CREATE/ALTER/DROP ROLE, GRANT, REVOKE, LIST ROLES, LIST PERMISSIONS).
/// None takes bind markers: a password is a string constant, as in Cassandra. The node runs them only when its
/// authenticator is on (src/Node/Security/Auth).
/// </summary>
public abstract record RoleStatement : CqlStatement
{
    public override IEnumerable<Term> Terms() => [];
}

/// <summary>
/// WITH PASSWORD = '...' AND LOGIN = bool AND SUPERUSER = bool; null = not given. <see cref="ToString"/> never shows
/// the password, so a statement that reaches a log line does not leak it.
/// </summary>
public sealed record RoleOptions(string? Password, bool? Login, bool? Superuser)
{
    public static RoleOptions None { get; } = new(null, null, null);

    public bool IsEmpty => Password is null && Login is null && Superuser is null;

    public override string ToString() =>
        $"RoleOptions {{ Password = {(Password is null ? "null" : "*****")}, Login = {Login?.ToString() ?? "null"}, Superuser = {Superuser?.ToString() ?? "null"} }}";
}

/// <summary>CREATE ROLE [IF NOT EXISTS] r [WITH options] (and CREATE USER, which implies LOGIN = true).</summary>
public sealed record CreateRoleStatement(string Role, bool IfNotExists, RoleOptions Options) : RoleStatement;

/// <summary>ALTER ROLE r WITH options (and ALTER USER).</summary>
public sealed record AlterRoleStatement(string Role, RoleOptions Options) : RoleStatement;

/// <summary>DROP ROLE [IF EXISTS] r (and DROP USER).</summary>
public sealed record DropRoleStatement(string Role, bool IfExists) : RoleStatement;

/// <summary>GRANT permissions ON resource TO role.</summary>
public sealed record GrantPermissionsStatement(CqlPermission Permissions, DataResource Resource, string Role) : RoleStatement;

/// <summary>REVOKE permissions ON resource FROM role.</summary>
public sealed record RevokePermissionsStatement(CqlPermission Permissions, DataResource Resource, string Role) : RoleStatement;

/// <summary>GRANT role TO grantee: the grantee gets every permission and the superuser status of role.</summary>
public sealed record GrantRoleStatement(string Role, string Grantee) : RoleStatement;

/// <summary>REVOKE role FROM revokee.</summary>
public sealed record RevokeRoleStatement(string Role, string Revokee) : RoleStatement;

/// <summary>LIST ROLES [OF role] [NORECURSIVE].</summary>
public sealed record ListRolesStatement(string? Of, bool NoRecursive) : RoleStatement;

/// <summary>LIST (ALL [PERMISSIONS] | permission [PERMISSION]) [ON resource] [OF role] [NORECURSIVE].</summary>
public sealed record ListPermissionsStatement(CqlPermission Permissions, DataResource? On, string? Of, bool NoRecursive) : RoleStatement;
