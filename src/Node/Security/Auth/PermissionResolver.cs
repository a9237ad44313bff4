using RingStore.Cql.Ast;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Pure permission resolution: from role records and grants to what a role may do. A role holds the permissions
/// granted to it and to every role granted to it, transitively; it is a superuser when any of those roles is.
/// Role graphs with cycles (which GRANT refuses, but concurrent grants on two nodes could still make) and grants to
/// roles that no longer exist are handled: each role is visited once, a missing one contributes nothing.
/// </summary>
public static class PermissionResolver
{
    /// <param name="role">The logged-in role.</param>
    /// <param name="roles">Role records by name (only those reachable from <paramref name="role"/> are needed).</param>
    /// <param name="grants">Grants made directly to a role, by role name.</param>
    public static RolePermissions Resolve(string role, Func<string, RoleRecord?> roles, Func<string, IEnumerable<PermissionGrant>> grants)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(grants);
        var own = roles(role);
        if (own is null) return RolePermissions.None;
        var reached = Reachable(own, roles);
        bool superuser = reached.Any(r => r.IsSuperuser);
        var permissions = new Dictionary<AuthResource, CqlPermission>();
        foreach (var record in reached)
        {
            foreach (var grant in grants(record.Name))
            {
                // Only what may exist on the resource counts (a CREATE stored on a table by hand grants nothing).
                var p = grant.Permissions & grant.Resource.Applicable;
                permissions[grant.Resource] = permissions.TryGetValue(grant.Resource, out var had) ? had | p : p;
            }
        }
        return new RolePermissions(own, reached.Select(r => r.Name).ToHashSet(StringComparer.Ordinal), superuser, permissions);
    }

    /// <summary>The role and every existing role granted to it, each once (breadth first, cycle-safe).</summary>
    public static IReadOnlyList<RoleRecord> Reachable(RoleRecord start, Func<string, RoleRecord?> roles)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(roles);
        var seen = new HashSet<string>(StringComparer.Ordinal) { start.Name };
        var result = new List<RoleRecord> { start };
        for (int i = 0; i < result.Count; i++)
        {
            foreach (string granted in result[i].MemberOf)
            {
                if (!seen.Add(granted)) continue;
                if (roles(granted) is { } record) result.Add(record);
            }
        }
        return result;
    }

    /// <summary>True when granting <paramref name="role"/> to <paramref name="grantee"/> would make a role a member of itself.</summary>
    public static bool WouldCycle(string role, string grantee, Func<string, RoleRecord?> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (string.Equals(role, grantee, StringComparison.Ordinal)) return true;
        // A cycle exists if the grantee is already reachable from the role being granted.
        return roles(role) is { } start && Reachable(start, roles).Any(r => string.Equals(r.Name, grantee, StringComparison.Ordinal));
    }
}
