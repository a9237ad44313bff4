namespace RingStore.Node.Security.Auth;

/// <summary>
/// One row of system_auth.roles plus the roles granted to it (system_auth.role_members). <see cref="SaltedHash"/> is
/// <see cref="PasswordHasher"/>'s string, null for a role without a password (it cannot log in by password).
/// </summary>
public sealed record RoleRecord(string Name, bool IsSuperuser, bool CanLogin, string? SaltedHash, IReadOnlyList<string> MemberOf)
{
    /// <summary>Never shows the hash.</summary>
    public override string ToString() => $"role {Name} (superuser {IsSuperuser}, login {CanLogin}, member of [{string.Join(", ", MemberOf)}])";
}

/// <summary>One row group of system_auth.role_permissions: the permissions granted directly to a role on one resource.</summary>
public sealed record PermissionGrant(string Role, AuthResource Resource, global::RingStore.Cql.Ast.CqlPermission Permissions);
