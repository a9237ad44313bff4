using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using RingStore.Core.Schema;

namespace RingStore.Node.Schema;

/// <summary>
/// An immutable schema: one entry per keyspace name and per table name ("ks.table"), each either a live
/// definition or a drop tombstone, with the microsecond timestamp of the change that made it. Tombstones are
/// kept so that a drop reaches every node and a node that was down cannot bring the dropped name back.
/// <para>
/// Live view: a keyspace is live if its entry is not a tombstone; a table is live if its entry is not a
/// tombstone, its keyspace is live, and it was created after the keyspace's last drop (dropping a keyspace
/// drops its tables, even ones this node has not heard of yet).
/// </para>
/// Two snapshots are equal when their canonical bytes are, and then their <see cref="Version"/>s are equal.
/// </summary>
public sealed class SchemaSnapshot : IEquatable<SchemaSnapshot>
{
    private readonly ImmutableSortedDictionary<string, KeyspaceEntry> _keyspaces;
    private readonly ImmutableSortedDictionary<string, TableEntry> _tables;
    private readonly Dictionary<string, KeyspaceDefinition> _liveKeyspaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TableSchema> _liveTables = new(StringComparer.Ordinal);
    private byte[]? _canonicalBytes;
    private Guid? _version;

    private SchemaSnapshot(ImmutableSortedDictionary<string, KeyspaceEntry> keyspaces, ImmutableSortedDictionary<string, TableEntry> tables)
    {
        _keyspaces = keyspaces;
        _tables = tables;
        long max = long.MinValue;
        foreach (var k in keyspaces.Values)
        {
            max = Math.Max(max, Math.Max(k.TimestampMicros, k.LastDroppedMicros ?? long.MinValue));
            if (k.Definition is { } d) _liveKeyspaces.Add(k.Name, d);
        }

        foreach (var (fullName, t) in tables)
        {
            max = Math.Max(max, t.TimestampMicros);
            if (t.Table is { } table && IsLive(t))
            {
                _liveTables.Add(fullName, table);
            }
        }

        MaxTimestampMicros = max;
        Keyspaces = [.. _liveKeyspaces.Values.OrderBy(k => k.Name, StringComparer.Ordinal)];
        Tables = [.. _liveTables.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)];
    }

    public static SchemaSnapshot Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, KeyspaceEntry>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, TableEntry>(StringComparer.Ordinal));

    /// <summary>Builds a snapshot from entries; several entries for one name are merged by the usual rule.</summary>
    public static SchemaSnapshot FromEntries(IEnumerable<KeyspaceEntry> keyspaces, IEnumerable<TableEntry> tables)
    {
        ArgumentNullException.ThrowIfNull(keyspaces);
        ArgumentNullException.ThrowIfNull(tables);
        var ks = Empty._keyspaces.ToBuilder();
        foreach (var k in keyspaces) Put(ks, k.Name, k, SchemaEntryMerge.Merge);
        var ts = Empty._tables.ToBuilder();
        foreach (var t in tables) Put(ts, t.FullName, t, SchemaEntryMerge.Merge);
        return new SchemaSnapshot(ks.ToImmutable(), ts.ToImmutable());
    }

    /// <summary>Live keyspaces, by name (ordinal).</summary>
    public IReadOnlyList<KeyspaceDefinition> Keyspaces { get; }

    /// <summary>Live tables, by full name (ordinal).</summary>
    public IReadOnlyList<TableSchema> Tables { get; }

    /// <summary>Every keyspace entry, tombstones included, by name.</summary>
    public IEnumerable<KeyspaceEntry> KeyspaceEntries => _keyspaces.Values;

    /// <summary>Every table entry, tombstones included, by full name.</summary>
    public IEnumerable<TableEntry> TableEntries => _tables.Values;

    /// <summary>Keyspace names whose latest change is a drop -> the drop's timestamp (µs).</summary>
    public IReadOnlyDictionary<string, long> DroppedKeyspaces =>
        _keyspaces.Values.Where(k => k.IsDropped).ToDictionary(k => k.Name, k => k.TimestampMicros, StringComparer.Ordinal);

    /// <summary>Table full names whose latest change is a drop -> the drop's timestamp (µs).</summary>
    public IReadOnlyDictionary<string, long> DroppedTables =>
        _tables.Values.Where(t => t.IsDropped).ToDictionary(t => t.FullName, t => t.TimestampMicros, StringComparer.Ordinal);

    /// <summary>The newest timestamp anywhere in the schema; a local change must be newer (see <see cref="SchemaManager"/>).</summary>
    public long MaxTimestampMicros { get; }

    /// <summary>A hash of the canonical bytes: equal on two nodes exactly when their schemas are equal. Gossiped as SCHEMA.</summary>
    public Guid Version => _version ??= new Guid(XxHash128.Hash(CanonicalBytes));

    internal byte[] CanonicalBytes => _canonicalBytes ??= SchemaCodec.Encode(_keyspaces.Values, _tables.Values);

    public bool TryGetKeyspace(string name, [NotNullWhen(true)] out KeyspaceDefinition? keyspace) =>
        _liveKeyspaces.TryGetValue(name, out keyspace);

    public bool TryGetTable(string keyspace, string table, [NotNullWhen(true)] out TableSchema? schema) =>
        _liveTables.TryGetValue($"{keyspace}.{table}", out schema);

    /// <summary>The entry for a keyspace name (live or tombstone), if the name was ever seen.</summary>
    public bool TryGetKeyspaceEntry(string name, [NotNullWhen(true)] out KeyspaceEntry? entry) => _keyspaces.TryGetValue(name, out entry);

    /// <summary>The entry for a table name (live or tombstone), if the name was ever seen.</summary>
    public bool TryGetTableEntry(string keyspace, string table, [NotNullWhen(true)] out TableEntry? entry) =>
        _tables.TryGetValue($"{keyspace}.{table}", out entry);

    /// <summary>Live tables of one keyspace.</summary>
    public IReadOnlyList<TableSchema> TablesOf(string keyspace) =>
        [.. Tables.Where(t => string.Equals(t.Keyspace, keyspace, StringComparison.Ordinal))];

    /// <summary>
    /// Pure merge: per keyspace and per table name the greater entry by (timestamp, drop beats create, canonical bytes).
    /// Commutative, associative and idempotent.
    /// </summary>
    public SchemaSnapshot Merge(SchemaSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other)) return this;
        var ks = _keyspaces.ToBuilder();
        foreach (var (name, entry) in other._keyspaces) Put(ks, name, entry, SchemaEntryMerge.Merge);
        var ts = _tables.ToBuilder();
        foreach (var (name, entry) in other._tables) Put(ts, name, entry, SchemaEntryMerge.Merge);
        return new SchemaSnapshot(ks.ToImmutable(), ts.ToImmutable());
    }

    /// <summary>This snapshot merged with one more entry (a newer entry replaces, an older one changes nothing).</summary>
    public SchemaSnapshot With(KeyspaceEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var ks = _keyspaces.ToBuilder();
        Put(ks, entry.Name, entry, SchemaEntryMerge.Merge);
        return new SchemaSnapshot(ks.ToImmutable(), _tables);
    }

    /// <summary>This snapshot merged with one more table entry.</summary>
    public SchemaSnapshot With(TableEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var ts = _tables.ToBuilder();
        Put(ts, entry.FullName, entry, SchemaEntryMerge.Merge);
        return new SchemaSnapshot(_keyspaces, ts.ToImmutable());
    }

    public bool Equals(SchemaSnapshot? other) =>
        other is not null && (ReferenceEquals(this, other) || CanonicalBytes.AsSpan().SequenceEqual(other.CanonicalBytes));

    public override bool Equals(object? obj) => Equals(obj as SchemaSnapshot);

    public override int GetHashCode() => Version.GetHashCode();

    public override string ToString() => $"schema {Version} ({Keyspaces.Count} keyspaces, {Tables.Count} tables)";

    private bool IsLive(TableEntry t) =>
        _keyspaces.TryGetValue(t.Keyspace, out var k)
        && !k.IsDropped
        && (k.LastDroppedMicros is not { } dropped || t.TimestampMicros > dropped);

    private static void Put<T>(ImmutableSortedDictionary<string, T>.Builder builder, string key, T entry, Func<T, T, T> merge)
    {
        builder[key] = builder.TryGetValue(key, out var existing) ? merge(existing, entry) : entry;
    }
}
