namespace RingStore.Node.Schema;

/// <summary>
/// What a schema knows about one keyspace name: the definition set by the latest CREATE (or null when the
/// latest change was a DROP) with that change's timestamp, plus the time of the latest DROP ever seen.
/// The drop time is kept even after a re-create so a table created before the drop stays dead when a node
/// that missed the drop sends it back (tables live only if created after the keyspace's last drop).
/// </summary>
public sealed class KeyspaceEntry
{
    public KeyspaceEntry(string name, KeyspaceDefinition? definition, long timestampMicros, long? lastDroppedMicros = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (definition is not null && !string.Equals(definition.Name, name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Entry '{name}' cannot hold the definition of keyspace '{definition.Name}'.", nameof(definition));
        }

        Name = name;
        Definition = definition;
        TimestampMicros = timestampMicros;
        // A tombstone is itself a drop: normalised here so equal states always have equal fields and bytes.
        LastDroppedMicros = definition is null ? Math.Max(lastDroppedMicros ?? timestampMicros, timestampMicros) : lastDroppedMicros;
    }

    public string Name { get; }

    /// <summary>Null: the latest change was a drop (a tombstone).</summary>
    public KeyspaceDefinition? Definition { get; }

    /// <summary>Microseconds since the Unix epoch of the change that set <see cref="Definition"/>.</summary>
    public long TimestampMicros { get; }

    /// <summary>Microseconds of the newest drop of this name, or null if it was never dropped.</summary>
    public long? LastDroppedMicros { get; }

    public bool IsDropped => Definition is null;

    public static KeyspaceEntry Created(KeyspaceDefinition definition, long timestampMicros)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new KeyspaceEntry(definition.Name, definition, timestampMicros);
    }

    public static KeyspaceEntry Dropped(string name, long timestampMicros) => new(name, null, timestampMicros);

    public override string ToString() =>
        IsDropped ? $"{Name} dropped @{TimestampMicros}" : $"{Definition} @{TimestampMicros}" + (LastDroppedMicros is { } d ? $" (dropped @{d})" : "");
}
