using RingStore.Cql.Ast;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// What one role may do, with every role granted to it (transitively) folded in: superuser status and the
/// permissions per resource. Immutable; built by <see cref="PermissionResolver"/>, cached by <see cref="PermissionCache"/>.
/// </summary>
public sealed class RolePermissions
{
    private readonly IReadOnlyDictionary<AuthResource, CqlPermission> _permissions;

    public RolePermissions(RoleRecord? role, IReadOnlySet<string> roles, bool isSuperuser, IReadOnlyDictionary<AuthResource, CqlPermission> permissions)
    {
        Role = role;
        Roles = roles;
        IsSuperuser = isSuperuser;
        _permissions = permissions;
    }

    /// <summary>A role that does not exist (dropped, or never created): no roles, no permissions.</summary>
    public static RolePermissions None { get; } = new(null, new HashSet<string>(), false, new Dictionary<AuthResource, CqlPermission>());

    /// <summary>The role's own record; null when it does not exist.</summary>
    public RoleRecord? Role { get; }

    /// <summary>The role itself and every role granted to it, directly or through other roles.</summary>
    public IReadOnlySet<string> Roles { get; }

    /// <summary>True when the role or any role granted to it is a superuser: everything is allowed.</summary>
    public bool IsSuperuser { get; }

    /// <summary>The permissions granted on exactly this resource (not its parents), through any of <see cref="Roles"/>.</summary>
    public CqlPermission On(AuthResource resource) => _permissions.TryGetValue(resource, out var p) ? p : CqlPermission.None;

    /// <summary>True when every permission in <paramref name="wanted"/> holds on the resource, each granted on it or on a resource above it.</summary>
    public bool Allows(CqlPermission wanted, AuthResource resource)
    {
        if (IsSuperuser) return true;
        var held = CqlPermission.None;
        for (var r = resource; r is not null; r = r.Parent) held |= On(r);
        return (held & wanted) == wanted;
    }
}
