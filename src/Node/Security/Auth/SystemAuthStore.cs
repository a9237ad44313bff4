using System.Collections.Concurrent;
using RingStore.Client.Protos;
using RingStore.Core.Consistency;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// <see cref="IRoleStore"/> on the system_auth tables, through the node's own statement executor as
/// <see cref="ClientUser.System"/> (so the same coordinators, replication, hints and read repair as user data).
/// Consistency ONE both ways, as Cassandra's LOCAL_ONE for roles: every write still goes to every replica (hinted when
/// one is down), and a node that cannot reach a quorum can still log users in. Reads are cached in front of this
/// (<see cref="PermissionCache"/>), so the hot path does not read here.
/// </summary>
public sealed class SystemAuthStore(Func<CqlStatement, CqlRequest, CancellationToken, Task<ExecuteResponse>> execute) : IRoleStore
{
    private const string Ks = AuthSchema.Keyspace;
    private static readonly ConcurrentDictionary<string, CqlStatement> Parsed = new(StringComparer.Ordinal);

    public async Task<RoleRecord?> GetRoleAsync(string role, CancellationToken ct)
    {
        var rows = await QueryAsync($"SELECT role, is_superuser, can_login, salted_hash FROM {Ks}.{AuthSchema.Roles} WHERE role = ?", [Text(role)], ct)
            .ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var members = await QueryAsync($"SELECT member_of FROM {Ks}.{AuthSchema.RoleMembers} WHERE role = ?", [Text(role)], ct).ConfigureAwait(false);
        return ToRecord(rows[0], members.Select(m => m["member_of"].Text).ToList());
    }

    public async Task<IReadOnlyList<PermissionGrant>> GetGrantsAsync(string role, CancellationToken ct)
    {
        var rows = await QueryAsync($"SELECT role, resource, permission FROM {Ks}.{AuthSchema.RolePermissions} WHERE role = ?", [Text(role)], ct)
            .ConfigureAwait(false);
        return ToGrants(rows);
    }

    public async Task<IReadOnlyList<RoleRecord>> ListRolesAsync(CancellationToken ct)
    {
        var rows = await QueryAsync($"SELECT role, is_superuser, can_login, salted_hash FROM {Ks}.{AuthSchema.Roles}", [], ct).ConfigureAwait(false);
        var members = await QueryAsync($"SELECT role, member_of FROM {Ks}.{AuthSchema.RoleMembers}", [], ct).ConfigureAwait(false);
        var byRole = members.GroupBy(m => m["role"].Text).ToDictionary(g => g.Key, g => g.Select(m => m["member_of"].Text).ToList(), StringComparer.Ordinal);
        return rows.Select(r => ToRecord(r, byRole.TryGetValue(r["role"].Text, out var of) ? of : [])).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> AnyRoleAsync(CancellationToken ct)
    {
        var statement = Parsed.GetOrAdd($"SELECT role FROM {Ks}.{AuthSchema.Roles} LIMIT 1", CqlParser.Parse);
        AuthContext.Current = ClientUser.System;
        var response = await execute(statement, new CqlRequest(null, new TermBinder([], 0), ConsistencyLevel.All, 1, null, null), ct).ConfigureAwait(false);
        return response.Rows.Count > 0;
    }

    public async Task<IReadOnlyList<PermissionGrant>> ListGrantsAsync(CancellationToken ct) =>
        ToGrants(await QueryAsync($"SELECT role, resource, permission FROM {Ks}.{AuthSchema.RolePermissions}", [], ct).ConfigureAwait(false));

    public Task PutRoleAsync(string role, bool? superuser, bool? login, string? saltedHash, CancellationToken ct, long? timestampMicros = null)
    {
        var columns = new List<string> { "role" };
        var values = new List<Value> { Text(role) };
        if (superuser is { } s) { columns.Add("is_superuser"); values.Add(new Value { Boolean = s }); }
        if (login is { } l) { columns.Add("can_login"); values.Add(new Value { Boolean = l }); }
        if (saltedHash is not null) { columns.Add("salted_hash"); values.Add(Text(saltedHash)); }
        string text = $"INSERT INTO {Ks}.{AuthSchema.Roles} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(_ => "?"))})";
        return WriteAsync(text, values, ct, timestampMicros);
    }

    public async Task DeleteRoleAsync(string role, CancellationToken ct)
    {
        await WriteAsync($"DELETE FROM {Ks}.{AuthSchema.RolePermissions} WHERE role = ?", [Text(role)], ct).ConfigureAwait(false);
        await WriteAsync($"DELETE FROM {Ks}.{AuthSchema.RoleMembers} WHERE role = ?", [Text(role)], ct).ConfigureAwait(false);
        await WriteAsync($"DELETE FROM {Ks}.{AuthSchema.Roles} WHERE role = ?", [Text(role)], ct).ConfigureAwait(false);
    }

    public Task AddMemberAsync(string role, string memberOf, CancellationToken ct) =>
        WriteAsync($"INSERT INTO {Ks}.{AuthSchema.RoleMembers} (role, member_of) VALUES (?, ?)", [Text(role), Text(memberOf)], ct);

    public Task RemoveMemberAsync(string role, string memberOf, CancellationToken ct) =>
        WriteAsync($"DELETE FROM {Ks}.{AuthSchema.RoleMembers} WHERE role = ? AND member_of = ?", [Text(role), Text(memberOf)], ct);

    public async Task GrantAsync(string role, AuthResource resource, CqlPermission permissions, CancellationToken ct)
    {
        foreach (var p in PermissionNames.Split(permissions))
        {
            await WriteAsync($"INSERT INTO {Ks}.{AuthSchema.RolePermissions} (role, resource, permission) VALUES (?, ?, ?)",
                [Text(role), Text(resource.Name), Text(PermissionNames.Name(p))], ct).ConfigureAwait(false);
        }
    }

    public async Task RevokeAsync(string role, AuthResource resource, CqlPermission permissions, CancellationToken ct)
    {
        foreach (var p in PermissionNames.Split(permissions))
        {
            await WriteAsync($"DELETE FROM {Ks}.{AuthSchema.RolePermissions} WHERE role = ? AND resource = ? AND permission = ?",
                [Text(role), Text(resource.Name), Text(PermissionNames.Name(p))], ct).ConfigureAwait(false);
        }
    }

    private static RoleRecord ToRecord(IReadOnlyDictionary<string, Value> row, IReadOnlyList<string> memberOf) =>
        new(row["role"].Text, row["is_superuser"].Boolean, row["can_login"].Boolean,
            row["salted_hash"].KindCase == Value.KindOneofCase.Text ? row["salted_hash"].Text : null, memberOf);

    /// <summary>Rows to grants; a row with a resource or permission name this node does not know is skipped (never widened).</summary>
    private static List<PermissionGrant> ToGrants(IEnumerable<IReadOnlyDictionary<string, Value>> rows)
    {
        var grants = new List<PermissionGrant>();
        foreach (var row in rows)
        {
            var resource = AuthResource.Parse(row["resource"].Text);
            var permission = PermissionNames.Parse(row["permission"].Text);
            if (resource is null || permission == CqlPermission.None) continue;
            grants.Add(new PermissionGrant(row["role"].Text, resource, permission));
        }
        return grants;
    }

    private static Value Text(string s) => new() { Text = s };

    private Task WriteAsync(string text, IReadOnlyList<Value> values, CancellationToken ct, long? timestampMicros = null) =>
        RunAsync(text, values, null, timestampMicros, ct);

    /// <summary>All rows, following the paging state.</summary>
    private async Task<IReadOnlyList<IReadOnlyDictionary<string, Value>>> QueryAsync(string text, IReadOnlyList<Value> values, CancellationToken ct)
    {
        var rows = new List<IReadOnlyDictionary<string, Value>>();
        CqlPagingState? paging = null;
        while (true)
        {
            var response = await RunAsync(text, values, paging, null, ct).ConfigureAwait(false);
            var names = response.Columns.Select(c => c.Name).ToArray();
            foreach (var row in response.Rows)
            {
                var map = new Dictionary<string, Value>(StringComparer.Ordinal);
                for (int i = 0; i < names.Length; i++) map[names[i]] = row.Values[i];
                rows.Add(map);
            }
            if (response.PagingState.IsEmpty) return rows;
            paging = CqlPagingState.Parse(response.PagingState.Span);
        }
    }

    private async Task<ExecuteResponse> RunAsync(string text, IReadOnlyList<Value> values, CqlPagingState? paging, long? timestampMicros, CancellationToken ct)
    {
        var statement = Parsed.GetOrAdd(text, CqlParser.Parse);
        var request = new CqlRequest(null, new TermBinder(values, statement.BindMarkerCount), ConsistencyLevel.One, StatementExecutor.DefaultPageSize,
            paging, timestampMicros);
        // The node's own request: set here, so it never runs as (or is checked against) the client that caused it.
        AuthContext.Current = ClientUser.System;
        return await execute(statement, request, ct).ConfigureAwait(false);
    }
}
