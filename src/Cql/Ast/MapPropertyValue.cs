namespace RingStore.Cql.Ast;

/// <summary>A property set to a map: <c>replication = {'class': 'SimpleStrategy', 'replication_factor': 3}</c>.</summary>
public sealed record MapPropertyValue(ValueList<MapEntry> Entries) : PropertyValue
{
    /// <summary>The value of <paramref name="key"/> (keys compare case-insensitively, as Cassandra's options do), or null.</summary>
    public Literal? Find(string key) =>
        Entries.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase))?.Value;
}
