using RingStore.Node.Cql;
using RingStore.Core.Errors;
using RingStore.Cql.Ast;
using RingStore.Node.Schema;
using ColumnType = RingStore.Core.Schema.ColumnType;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// Runs the role statements for a logged-in user, with Cassandra's rules: creating, dropping and altering roles and
/// granting roles needs a superuser, except that a role may change its own password; GRANT/REVOKE of permissions needs
/// AUTHORIZE on the resource and the permissions themselves (a superuser has everything); LIST shows everything to a
/// superuser and only the user's own roles otherwise. Every check runs before anything is written, so a refused
/// statement changes nothing. Changes drop this node's permission cache at once; other nodes see them within its validity.
/// </summary>
public sealed class RoleStatementExecutor(IRoleStore store, PermissionCache cache, Func<SchemaSnapshot> schema, int passwordIterations = PasswordHasher.DefaultIterations)
{
    /// <summary>Longest role name accepted (Cassandra has no limit; this keeps a name a sane partition key and log field).</summary>
    public const int MaxRoleNameLength = 256;

    public async Task<CqlResult> ExecuteAsync(RoleStatement statement, string? sessionKeyspace, ClientUser user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(user);
        var me = await cache.GetAsync(user.Name, ct).ConfigureAwait(false);
        var result = statement switch
        {
            CreateRoleStatement s => await CreateAsync(s, me, ct).ConfigureAwait(false),
            AlterRoleStatement s => await AlterAsync(s, user, me, ct).ConfigureAwait(false),
            DropRoleStatement s => await DropAsync(s, user, me, ct).ConfigureAwait(false),
            GrantPermissionsStatement s => await ChangePermissionsAsync(s.Permissions, s.Resource, s.Role, grant: true, sessionKeyspace, user, me, ct).ConfigureAwait(false),
            RevokePermissionsStatement s => await ChangePermissionsAsync(s.Permissions, s.Resource, s.Role, grant: false, sessionKeyspace, user, me, ct).ConfigureAwait(false),
            GrantRoleStatement s => await GrantRoleAsync(s, me, ct).ConfigureAwait(false),
            RevokeRoleStatement s => await RevokeRoleAsync(s, me, ct).ConfigureAwait(false),
            ListRolesStatement s => await ListRolesAsync(s, me, ct).ConfigureAwait(false),
            ListPermissionsStatement s => await ListPermissionsAsync(s, sessionKeyspace, me, ct).ConfigureAwait(false),
            _ => throw new InvalidRequestException($"Unsupported role statement {statement.GetType().Name}"),
        };
        return result;
    }

    private async Task<CqlResult> CreateAsync(CreateRoleStatement s, RolePermissions me, CancellationToken ct)
    {
        RequireSuperuser(me, "create roles");
        ValidateName(s.Role);
        string? hash = HashIfGiven(s.Options.Password);
        if (await store.GetRoleAsync(s.Role, ct).ConfigureAwait(false) is not null)
            return s.IfNotExists ? Void : throw new InvalidRequestException($"{s.Role} already exists");
        await store.PutRoleAsync(s.Role, s.Options.Superuser ?? false, s.Options.Login ?? false, hash, ct).ConfigureAwait(false);
        return Changed();
    }

    private async Task<CqlResult> AlterAsync(AlterRoleStatement s, ClientUser user, RolePermissions me, CancellationToken ct)
    {
        bool self = string.Equals(s.Role, user.Name, StringComparison.Ordinal);
        if (self && s.Options.Superuser is not null) throw new UnauthorizedException("You aren't allowed to alter your own superuser status");
        // A role may change its own password and nothing else about itself; everything else needs a superuser.
        bool ownPasswordOnly = self && s.Options is { Login: null, Superuser: null, Password: not null };
        if (!ownPasswordOnly) RequireSuperuser(me, "alter roles other than your own password");
        if (s.Options.IsEmpty) throw new InvalidRequestException("ALTER ROLE needs at least one option");
        string? hash = HashIfGiven(s.Options.Password);
        if (await store.GetRoleAsync(s.Role, ct).ConfigureAwait(false) is null) throw new InvalidRequestException($"{s.Role} doesn't exist");
        await store.PutRoleAsync(s.Role, s.Options.Superuser, s.Options.Login, hash, ct).ConfigureAwait(false);
        return Changed();
    }

    private async Task<CqlResult> DropAsync(DropRoleStatement s, ClientUser user, RolePermissions me, CancellationToken ct)
    {
        RequireSuperuser(me, "drop roles");
        if (string.Equals(s.Role, user.Name, StringComparison.Ordinal)) throw new InvalidRequestException("Cannot DROP primary role for current login");
        if (await store.GetRoleAsync(s.Role, ct).ConfigureAwait(false) is null)
            return s.IfExists ? Void : throw new InvalidRequestException($"{s.Role} doesn't exist");
        // Whoever was granted the role loses it, so a role created later under the same name starts with no members.
        foreach (var member in (await store.ListRolesAsync(ct).ConfigureAwait(false)).Where(r => r.MemberOf.Contains(s.Role, StringComparer.Ordinal)))
            await store.RemoveMemberAsync(member.Name, s.Role, ct).ConfigureAwait(false);
        await store.DeleteRoleAsync(s.Role, ct).ConfigureAwait(false);
        return Changed();
    }

    private async Task<CqlResult> ChangePermissionsAsync(CqlPermission wanted, DataResource target, string role, bool grant, string? sessionKeyspace,
        ClientUser user, RolePermissions me, CancellationToken ct)
    {
        var resource = AuthResource.From(target, sessionKeyspace);
        RequireExists(resource);
        var permissions = wanted == CqlPermission.All ? resource.Applicable : wanted;
        if ((permissions & ~resource.Applicable) != 0 || permissions == CqlPermission.None)
            throw new InvalidRequestException($"Resource type DataResource does not support any of the requested permissions ({resource})");
        // The grantor needs AUTHORIZE on the resource and must hold what it grants (or revokes): no one hands out more than they have.
        if (!me.Allows(CqlPermission.Authorize, resource))
            throw StatementPermissions.Refusal(user.Name, new StatementPermissions.Requirement(CqlPermission.Authorize, resource));
        foreach (var p in PermissionNames.Split(permissions))
        {
            if (!me.Allows(p, resource)) throw StatementPermissions.Refusal(user.Name, new StatementPermissions.Requirement(p, resource));
        }
        if (await store.GetRoleAsync(role, ct).ConfigureAwait(false) is null) throw new InvalidRequestException($"Role {role} doesn't exist");
        if (grant) await store.GrantAsync(role, resource, permissions, ct).ConfigureAwait(false);
        else await store.RevokeAsync(role, resource, permissions, ct).ConfigureAwait(false);
        return Changed();
    }

    private async Task<CqlResult> GrantRoleAsync(GrantRoleStatement s, RolePermissions me, CancellationToken ct)
    {
        RequireSuperuser(me, "grant roles");
        var roles = await RolesAsync(ct).ConfigureAwait(false);
        if (!roles.ContainsKey(s.Role)) throw new InvalidRequestException($"{s.Role} doesn't exist");
        if (!roles.TryGetValue(s.Grantee, out var grantee)) throw new InvalidRequestException($"{s.Grantee} doesn't exist");
        if (grantee.MemberOf.Contains(s.Role, StringComparer.Ordinal)) throw new InvalidRequestException($"{s.Grantee} is a member of {s.Role}");
        if (PermissionResolver.WouldCycle(s.Role, s.Grantee, n => roles.GetValueOrDefault(n)))
            throw new InvalidRequestException($"{s.Role} is a member of {s.Grantee}");
        await store.AddMemberAsync(s.Grantee, s.Role, ct).ConfigureAwait(false);
        return Changed();
    }

    private async Task<CqlResult> RevokeRoleAsync(RevokeRoleStatement s, RolePermissions me, CancellationToken ct)
    {
        RequireSuperuser(me, "revoke roles");
        var revokee = await store.GetRoleAsync(s.Revokee, ct).ConfigureAwait(false) ?? throw new InvalidRequestException($"{s.Revokee} doesn't exist");
        if (await store.GetRoleAsync(s.Role, ct).ConfigureAwait(false) is null) throw new InvalidRequestException($"{s.Role} doesn't exist");
        if (!revokee.MemberOf.Contains(s.Role, StringComparer.Ordinal)) throw new InvalidRequestException($"{s.Revokee} is not a member of {s.Role}");
        await store.RemoveMemberAsync(s.Revokee, s.Role, ct).ConfigureAwait(false);
        return Changed();
    }

    private async Task<CqlResult> ListRolesAsync(ListRolesStatement s, RolePermissions me, CancellationToken ct)
    {
        var roles = await RolesAsync(ct).ConfigureAwait(false);
        IEnumerable<RoleRecord> shown;
        if (s.Of is { } of)
        {
            RequireVisible(me, of, "roles granted to");
            if (!roles.TryGetValue(of, out var start)) throw new InvalidRequestException($"{of} doesn't exist");
            shown = s.NoRecursive
                ? start.MemberOf.Select(n => roles.GetValueOrDefault(n)).OfType<RoleRecord>().Prepend(start)
                : PermissionResolver.Reachable(start, n => roles.GetValueOrDefault(n));
        }
        else
        {
            shown = me.IsSuperuser ? roles.Values : roles.Values.Where(r => me.Roles.Contains(r.Name));
        }
        var response = Rows(("role", ColumnType.Text), ("super", ColumnType.Boolean), ("login", ColumnType.Boolean));
        foreach (var r in shown.DistinctBy(r => r.Name).OrderBy(r => r.Name, StringComparer.Ordinal))
            response.Rows.Add(Row(Text(r.Name), r.IsSuperuser, r.CanLogin));
        return response;
    }

    private async Task<CqlResult> ListPermissionsAsync(ListPermissionsStatement s, string? sessionKeyspace, RolePermissions me, CancellationToken ct)
    {
        var roles = await RolesAsync(ct).ConfigureAwait(false);
        HashSet<string>? of = null;
        if (s.Of is { } name)
        {
            RequireVisible(me, name, "permissions of");
            if (!roles.TryGetValue(name, out var start)) throw new InvalidRequestException($"{name} doesn't exist");
            of = (s.NoRecursive ? [start] : PermissionResolver.Reachable(start, n => roles.GetValueOrDefault(n))).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        }
        else if (!me.IsSuperuser)
        {
            of = me.Roles.ToHashSet(StringComparer.Ordinal);
        }
        var on = s.On is null ? null : AuthResource.From(s.On, sessionKeyspace);
        var onAndAbove = new HashSet<AuthResource>();
        for (var r = on; r is not null; r = s.NoRecursive ? null : r.Parent) onAndAbove.Add(r);
        var response = Rows(("role", ColumnType.Text), ("username", ColumnType.Text), ("resource", ColumnType.Text), ("permission", ColumnType.Text));
        var grants = await store.ListGrantsAsync(ct).ConfigureAwait(false);
        var listed = grants
            .Where(g => of is null || of.Contains(g.Role))
            .Where(g => on is null || onAndAbove.Contains(g.Resource))
            .SelectMany(g => PermissionNames.Split(g.Permissions & s.Permissions).Select(p => (g.Role, g.Resource, Permission: p)))
            .Distinct()
            .OrderBy(g => g.Role, StringComparer.Ordinal).ThenBy(g => g.Resource.Name, StringComparer.Ordinal)
            .ThenBy(g => PermissionNames.Each.ToList().IndexOf(g.Permission));
        foreach (var (role, resource, permission) in listed)
            response.Rows.Add(Row(Text(role), Text(role), Text(resource.ToString()), Text(PermissionNames.Name(permission))));
        return response;
    }

    private async Task<Dictionary<string, RoleRecord>> RolesAsync(CancellationToken ct) =>
        (await store.ListRolesAsync(ct).ConfigureAwait(false)).ToDictionary(r => r.Name, StringComparer.Ordinal);

    private static void RequireSuperuser(RolePermissions me, string what)
    {
        if (!me.IsSuperuser) throw new UnauthorizedException($"Only superusers are allowed to {what}");
    }

    private static void RequireVisible(RolePermissions me, string role, string what)
    {
        if (!me.IsSuperuser && !me.Roles.Contains(role)) throw new UnauthorizedException($"You are not authorized to view {what} {role}");
    }

    private void RequireExists(AuthResource resource)
    {
        var current = schema();
        bool exists = resource.IsRoot
            || (resource.IsTable ? current.TryGetTable(resource.Keyspace!, resource.Table!, out _) : current.TryGetKeyspace(resource.Keyspace!, out _));
        if (!exists) throw new InvalidRequestException($"Resource {resource} doesn't exist");
    }

    public static void ValidateName(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (role.Length is 0 or > MaxRoleNameLength)
            throw new InvalidRequestException($"A role name must have 1 to {MaxRoleNameLength} characters");
        if (role.Any(char.IsControl)) throw new InvalidRequestException("A role name must not contain control characters");
    }

    private string? HashIfGiven(string? password)
    {
        if (password is null) return null;
        if (password.Length == 0) throw new InvalidRequestException("A password must not be empty");
        if (System.Text.Encoding.UTF8.GetByteCount(password) > PasswordHasher.MaxPasswordBytes)
            throw new InvalidRequestException($"A password must be at most {PasswordHasher.MaxPasswordBytes} bytes");
        if (!PasswordHasher.IsAcceptable(password)) throw new InvalidRequestException("A password must not contain the NUL character");
        return PasswordHasher.Hash(password, passwordIterations);
    }

    private CqlResult Changed()
    {
        cache.Invalidate();
        return Void;
    }

    private static CqlResult Void => new() { Kind = CqlResultKind.Void };

    private static CqlResult Rows(params (string Name, ColumnType Type)[] columns)
    {
        var response = new CqlResult { Kind = CqlResultKind.Rows };
        response.Columns.AddRange(columns.Select(c => new CqlColumn { Name = c.Name, Type = c.Type }));
        return response;
    }

    private static CqlRow Row(params object?[] values)
    {
        var row = new CqlRow();
        row.Values.AddRange(values);
        return row;
    }

    private static string Text(string s) => s;
}
