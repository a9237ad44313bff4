using RingStore.Cql.Ast;

namespace RingStore.Node.Security.Auth;

/// <summary>Where roles, memberships and grants are kept (system_auth through the coordinator; a dictionary in unit tests).</summary>
public interface IRoleStore
{
    Task<RoleRecord?> GetRoleAsync(string role, CancellationToken ct);

    Task<IReadOnlyList<PermissionGrant>> GetGrantsAsync(string role, CancellationToken ct);

    /// <summary>True when any role exists, read at ALL (first-start setup must not mistake a lagging replica for an empty table).</summary>
    Task<bool> AnyRoleAsync(CancellationToken ct);

    /// <summary>Every role (a scan; role tables are small).</summary>
    Task<IReadOnlyList<RoleRecord>> ListRolesAsync(CancellationToken ct);

    /// <summary>Every grant of every role (a scan).</summary>
    Task<IReadOnlyList<PermissionGrant>> ListGrantsAsync(CancellationToken ct);

    /// <summary>Writes the given fields (null = unchanged); <paramref name="timestampMicros"/> null = now.</summary>
    Task PutRoleAsync(string role, bool? superuser, bool? login, string? saltedHash, CancellationToken ct, long? timestampMicros = null);

    /// <summary>Deletes the role row, its memberships and its grants.</summary>
    Task DeleteRoleAsync(string role, CancellationToken ct);

    Task AddMemberAsync(string role, string memberOf, CancellationToken ct);

    Task RemoveMemberAsync(string role, string memberOf, CancellationToken ct);

    Task GrantAsync(string role, AuthResource resource, CqlPermission permissions, CancellationToken ct);

    Task RevokeAsync(string role, AuthResource resource, CqlPermission permissions, CancellationToken ct);
}
