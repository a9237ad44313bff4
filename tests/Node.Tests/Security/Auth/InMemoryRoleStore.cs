using RingStore.Cql.Ast;
using RingStore.Node.Security.Auth;

namespace RingStore.Node.Tests.Security.Auth;

/// <summary>An <see cref="IRoleStore"/> in dictionaries, for the executor and authenticator tests; <see cref="Snapshot"/> shows whether anything changed.</summary>
internal sealed class InMemoryRoleStore : IRoleStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, (bool Super, bool Login, string? Hash)> _roles = new(StringComparer.Ordinal);
    private readonly SortedSet<(string Role, string MemberOf)> _members = [];
    private readonly SortedSet<(string Role, string Resource, string Permission)> _grants = [];

    public int Reads { get; private set; }

    public string Snapshot()
    {
        lock (_gate)
            return string.Join(";", _roles.Select(r => $"{r.Key}:{r.Value.Super}:{r.Value.Login}:{r.Value.Hash}"))
                + "|" + string.Join(";", _members) + "|" + string.Join(";", _grants);
    }

    public Task<RoleRecord?> GetRoleAsync(string role, CancellationToken ct)
    {
        lock (_gate)
        {
            Reads++;
            return Task.FromResult(_roles.TryGetValue(role, out var r)
                ? new RoleRecord(role, r.Super, r.Login, r.Hash, _members.Where(m => m.Role == role).Select(m => m.MemberOf).ToList())
                : null);
        }
    }

    public Task<IReadOnlyList<PermissionGrant>> GetGrantsAsync(string role, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<PermissionGrant>>(Grants(g => g.Role == role));
    }

    public Task<bool> AnyRoleAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_roles.Count > 0);
    }

    public async Task<IReadOnlyList<RoleRecord>> ListRolesAsync(CancellationToken ct)
    {
        List<string> names;
        lock (_gate) names = [.. _roles.Keys];
        var list = new List<RoleRecord>();
        foreach (var n in names) list.Add((await GetRoleAsync(n, ct))!);
        return list;
    }

    public Task<IReadOnlyList<PermissionGrant>> ListGrantsAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<PermissionGrant>>(Grants(_ => true));
    }

    public Task PutRoleAsync(string role, bool? superuser, bool? login, string? saltedHash, CancellationToken ct, long? timestampMicros = null)
    {
        lock (_gate)
        {
            var old = _roles.TryGetValue(role, out var r) ? r : (false, false, null);
            _roles[role] = (superuser ?? old.Super, login ?? old.Login, saltedHash ?? old.Hash);
        }
        return Task.CompletedTask;
    }

    public Task DeleteRoleAsync(string role, CancellationToken ct)
    {
        lock (_gate)
        {
            _roles.Remove(role);
            _members.RemoveWhere(m => m.Role == role);
            _grants.RemoveWhere(g => g.Role == role);
        }
        return Task.CompletedTask;
    }

    public Task AddMemberAsync(string role, string memberOf, CancellationToken ct)
    {
        lock (_gate) _members.Add((role, memberOf));
        return Task.CompletedTask;
    }

    public Task RemoveMemberAsync(string role, string memberOf, CancellationToken ct)
    {
        lock (_gate) _members.Remove((role, memberOf));
        return Task.CompletedTask;
    }

    public Task GrantAsync(string role, AuthResource resource, CqlPermission permissions, CancellationToken ct)
    {
        lock (_gate) foreach (var p in PermissionNames.Split(permissions)) _grants.Add((role, resource.Name, PermissionNames.Name(p)));
        return Task.CompletedTask;
    }

    public Task RevokeAsync(string role, AuthResource resource, CqlPermission permissions, CancellationToken ct)
    {
        lock (_gate) foreach (var p in PermissionNames.Split(permissions)) _grants.Remove((role, resource.Name, PermissionNames.Name(p)));
        return Task.CompletedTask;
    }

    private List<PermissionGrant> Grants(Func<(string Role, string Resource, string Permission), bool> where) =>
        _grants.Where(where).Select(g => new PermissionGrant(g.Role, AuthResource.Parse(g.Resource)!, PermissionNames.Parse(g.Permission))).ToList();
}
