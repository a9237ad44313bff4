namespace RingStore.Core.Schema;

/// <summary>
/// A table: partition key (one or more columns), clustering columns with order, regular columns.
/// Immutable; column positions are stable identifiers within one schema version.
/// </summary>
public sealed class TableSchema
{
    private readonly Dictionary<string, int> _regularIndex;

    public TableSchema(
        string keyspace,
        string name,
        IReadOnlyList<ColumnDefinition> partitionKey,
        IReadOnlyList<ClusteringColumn> clustering,
        IReadOnlyList<ColumnDefinition> regular,
        TableOptions? options = null,
        Guid? id = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyspace);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (partitionKey.Count == 0)
            throw new ArgumentException("A table needs at least one partition-key column.", nameof(partitionKey));
        var all = partitionKey.Select(c => c.Name).Concat(clustering.Select(c => c.Name)).Concat(regular.Select(c => c.Name)).ToList();
        var dup = all.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new ArgumentException($"Column '{dup.Key}' is declared more than once in {keyspace}.{name}.");

        Keyspace = keyspace;
        Name = name;
        PartitionKey = partitionKey.ToArray();
        Clustering = clustering.ToArray();
        Regular = regular.ToArray();
        Options = options ?? new TableOptions();
        Id = id ?? Guid.NewGuid();
        _regularIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Regular.Count; i++) _regularIndex[Regular[i].Name] = i;
    }

    public Guid Id { get; }
    public string Keyspace { get; }
    public string Name { get; }
    public string FullName => $"{Keyspace}.{Name}";
    public IReadOnlyList<ColumnDefinition> PartitionKey { get; }
    public IReadOnlyList<ClusteringColumn> Clustering { get; }
    public IReadOnlyList<ColumnDefinition> Regular { get; }
    public TableOptions Options { get; }

    /// <summary>Index of a regular column, or -1.</summary>
    public int RegularColumnIndex(string name) => _regularIndex.TryGetValue(name, out int i) ? i : -1;

    public TableSchema WithOptions(TableOptions options) =>
        new(Keyspace, Name, PartitionKey, Clustering, Regular, options, Id);
}
