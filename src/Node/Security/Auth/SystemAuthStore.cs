using System.Collections.Concurrent;
using RingStore.Core.Consistency;
using RingStore.Cql;
using RingStore.Cql.Ast;
using RingStore.Node.Cql;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// <see cref="IRoleStore"/> on the system_auth tables, through the node's own statement executor as
/// <see cref="ClientUser.System"/> (so the same coordinators, replication, hints and read repair as user data).
/// Writes at ONE, as Cassandra's LOCAL_ONE for roles (every write still goes to every replica, hinted when one is
/// down). Reads at ALL of the replicas that exist while they are all up, so a replica that missed a role (a node that
/// joined a new cluster after the first superuser was written, a lost hint) is read-repaired on the spot; at ONE when
/// some are down, so a node that cannot reach the others can still log users in. Reads are cached in front of this
/// (<see cref="PermissionCache"/>), so the hot path does not read here.
/// </summary>
/// <param name="ringNodes">How many nodes the ring has (null: assume at least RF), for the first-start check's consistency.</param>
public sealed class SystemAuthStore(Func<CqlStatement, CqlRequest, CancellationToken, Task<CqlResult>> execute, Func<int>? ringNodes = null) : IRoleStore
{
    private const string Ks = AuthSchema.Keyspace;
    private static readonly ConcurrentDictionary<string, CqlStatement> Parsed = new(StringComparer.Ordinal);

    public async Task<RoleRecord?> GetRoleAsync(string role, CancellationToken ct)
    {
        var rows = await QueryAsync($"SELECT role, is_superuser, can_login, salted_hash FROM {Ks}.{AuthSchema.Roles} WHERE role = ?", [Text(role)], ct)
            .ConfigureAwait(false);
        if (rows.Count == 0) return null;
        var members = await QueryAsync($"SELECT member_of FROM {Ks}.{AuthSchema.RoleMembers} WHERE role = ?", [Text(role)], ct).ConfigureAwait(false);
        return ToRecord(rows[0], members.Select(m => Str(m, "member_of")).ToList());
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
        var byRole = members.GroupBy(m => Str(m, "role")).ToDictionary(g => g.Key, g => g.Select(m => Str(m, "member_of")).ToList(), StringComparer.Ordinal);
        return rows.Select(r => ToRecord(r, byRole.TryGetValue(Str(r, "role"), out var of) ? of : [])).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> AnyRoleAsync(CancellationToken ct)
    {
        var statement = Parsed.GetOrAdd($"SELECT role FROM {Ks}.{AuthSchema.Roles} LIMIT 1", CqlParser.Parse);
        AuthContext.Current = ClientUser.System;
        var response = await execute(statement, new CqlRequest(null, new TermBinder(BoundValues.None, 0), AllThatExist(), 1, null, null), ct).ConfigureAwait(false);
        return response.Rows.Count > 0;
    }

    public async Task<IReadOnlyList<PermissionGrant>> ListGrantsAsync(CancellationToken ct) =>
        ToGrants(await QueryAsync($"SELECT role, resource, permission FROM {Ks}.{AuthSchema.RolePermissions}", [], ct).ConfigureAwait(false));

    public Task PutRoleAsync(string role, bool? superuser, bool? login, string? saltedHash, CancellationToken ct, long? timestampMicros = null)
    {
        var columns = new List<string> { "role" };
        var values = new List<object?> { Text(role) };
        if (superuser is { } s) { columns.Add("is_superuser"); values.Add(s); }
        if (login is { } l) { columns.Add("can_login"); values.Add(l); }
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

    private static RoleRecord ToRecord(IReadOnlyDictionary<string, object?> row, IReadOnlyList<string> memberOf) =>
        new(Str(row, "role"), Bool(row, "is_superuser"), Bool(row, "can_login"),
            row["salted_hash"] as string, memberOf);

    /// <summary>Rows to grants; a row with a resource or permission name this node does not know is skipped (never widened).</summary>
    private static List<PermissionGrant> ToGrants(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        var grants = new List<PermissionGrant>();
        foreach (var row in rows)
        {
            var resource = AuthResource.Parse(Str(row, "resource"));
            var permission = PermissionNames.Parse(Str(row, "permission"));
            if (resource is null || permission == CqlPermission.None) continue;
            grants.Add(new PermissionGrant(Str(row, "role"), resource, permission));
        }
        return grants;
    }

    private static object Text(string s) => s;

    /// <summary>A text cell; a null one reads as "" (as a gRPC value with no kind did).</summary>
    private static string Str(IReadOnlyDictionary<string, object?> row, string column) => row[column] as string ?? "";

    /// <summary>A boolean cell; a null one reads as false.</summary>
    private static bool Bool(IReadOnlyDictionary<string, object?> row, string column) => row[column] is true;

    private Task WriteAsync(string text, IReadOnlyList<object?> values, CancellationToken ct, long? timestampMicros = null) =>
        RunAsync(text, values, null, timestampMicros, ct);

    /// <summary>
    /// ALL of the replicas that exist: a ring smaller than the RF has only that many (and the coordinator counts ALL
    /// against the RF), so one node reads at ONE and two at TWO; every node of such a ring holds every role.
    /// </summary>
    private ConsistencyLevel AllThatExist()
    {
        int nodes = ringNodes?.Invoke() ?? AuthSchema.ReplicationFactor;
        return nodes >= AuthSchema.ReplicationFactor ? ConsistencyLevel.All : nodes == 2 ? ConsistencyLevel.Two : ConsistencyLevel.One;
    }

    /// <summary>All rows, following the paging state; at ALL that exist, falling back to ONE when a replica is down.</summary>
    private async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string text, IReadOnlyList<object?> values, CancellationToken ct)
    {
        try
        {
            return await QueryAsync(text, values, AllThatExist(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Core.Errors.UnavailableException or Core.Errors.ReadTimeoutException or Core.Errors.ReadFailureException)
        {
            return await QueryAsync(text, values, ConsistencyLevel.One, ct).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string text, IReadOnlyList<object?> values, ConsistencyLevel level,
        CancellationToken ct)
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        CqlPagingState? paging = null;
        while (true)
        {
            var response = await RunAsync(text, values, paging, null, ct, level).ConfigureAwait(false);
            var names = response.Columns.Select(c => c.Name).ToArray();
            foreach (var row in response.Rows)
            {
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = 0; i < names.Length; i++) map[names[i]] = row.Values[i];
                rows.Add(map);
            }
            if (response.PagingState is not { Length: > 0 } next) return rows;
            paging = CqlPagingState.Parse(next);
        }
    }

    private async Task<CqlResult> RunAsync(string text, IReadOnlyList<object?> values, CqlPagingState? paging, long? timestampMicros, CancellationToken ct,
        ConsistencyLevel level = ConsistencyLevel.One)
    {
        var statement = Parsed.GetOrAdd(text, CqlParser.Parse);
        var request = new CqlRequest(null, new TermBinder(new ClrBoundValues(values), statement.BindMarkerCount), level, StatementExecutor.DefaultPageSize,
            paging, timestampMicros);
        // The node's own request: set here, so it never runs as (or is checked against) the client that caused it.
        AuthContext.Current = ClientUser.System;
        return await execute(statement, request, ct).ConfigureAwait(false);
    }
}
