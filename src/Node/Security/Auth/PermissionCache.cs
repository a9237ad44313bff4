using System.Collections.Concurrent;

namespace RingStore.Node.Security.Auth;

/// <summary>
/// What each role may do, read from the store at most once per <see cref="Validity"/> (Cassandra's
/// permissions_validity and roles_validity, 2 s by default), so a permission check on the hot path is a dictionary
/// lookup. A GRANT, REVOKE or role change made on any node is seen here within the validity; changes made through this
/// node drop the entries at once. Concurrent misses for one role share one load. Time comes from the TimeProvider.
/// </summary>
public sealed class PermissionCache(IRoleStore store, TimeProvider time, TimeSpan validity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TimeSpan Validity { get; } = validity;

    /// <summary>Cap on cached roles; past it the cache is cleared (a flood of unknown names must not grow memory).</summary>
    public const int MaxEntries = 10_000;

    private sealed record Entry(Task<RolePermissions> Load, long LoadedAt);

    public async ValueTask<RolePermissions> GetAsync(string role, CancellationToken ct)
    {
        long now = time.GetTimestamp();
        if (_entries.TryGetValue(role, out var entry) && Fresh(entry, now) && entry.Load.IsCompletedSuccessfully) return entry.Load.Result;
        if (entry is null || !Fresh(entry, now) || entry.Load.IsFaulted || entry.Load.IsCanceled)
        {
            if (_entries.Count >= MaxEntries) _entries.Clear();
            var fresh = new Entry(LoadAsync(role), now);
            // One load per miss: whoever replaces the stale entry first is the one everybody awaits.
            entry = entry is null
                ? _entries.GetOrAdd(role, fresh)
                : _entries.TryUpdate(role, fresh, entry) ? fresh : _entries.GetValueOrDefault(role, fresh);
        }
        var result = await entry.Load.WaitAsync(ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>Forgets everything (after a change through this node, so it holds here at once).</summary>
    public void Invalidate() => _entries.Clear();

    private bool Fresh(Entry entry, long now) => time.GetElapsedTime(entry.LoadedAt, now) < Validity;

    private async Task<RolePermissions> LoadAsync(string role)
    {
        // Not the caller's token: the load is shared, one caller giving up must not fail the others.
        var records = new Dictionary<string, RoleRecord?>(StringComparer.Ordinal);
        var start = await store.GetRoleAsync(role, CancellationToken.None).ConfigureAwait(false);
        if (start is null) return RolePermissions.None;
        records[role] = start;
        // Load the granted roles breadth first (each once), then resolve purely.
        var pending = new Queue<string>(start.MemberOf);
        while (pending.Count > 0)
        {
            string name = pending.Dequeue();
            if (records.ContainsKey(name)) continue;
            var record = await store.GetRoleAsync(name, CancellationToken.None).ConfigureAwait(false);
            records[name] = record;
            if (record is not null) foreach (var next in record.MemberOf) pending.Enqueue(next);
        }
        var grants = new Dictionary<string, IReadOnlyList<PermissionGrant>>(StringComparer.Ordinal);
        foreach (var name in records.Where(r => r.Value is not null).Select(r => r.Key))
            grants[name] = await store.GetGrantsAsync(name, CancellationToken.None).ConfigureAwait(false);
        return PermissionResolver.Resolve(role, n => records.GetValueOrDefault(n), n => grants.TryGetValue(n, out var g) ? g : []);
    }
}
