using RingStore.Core.Errors;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Schema;

/// <summary>
/// A keyspace: its name and how its data is replicated. Immutable, validated on construction
/// (an invalid definition throws <see cref="InvalidRequestException"/>), compared by value.
/// </summary>
public sealed class KeyspaceDefinition : IEquatable<KeyspaceDefinition>
{
    private readonly KeyValuePair<string, int>[] _datacenterFactors;

    private KeyspaceDefinition(string name, ReplicationStrategyKind strategy, int replicationFactor, KeyValuePair<string, int>[] datacenterFactors)
    {
        Name = name;
        Strategy = strategy;
        ReplicationFactor = replicationFactor;
        _datacenterFactors = datacenterFactors;
    }

    public string Name { get; }

    public ReplicationStrategyKind Strategy { get; }

    /// <summary>SimpleStrategy: the replication factor. NetworkTopologyStrategy: the sum over datacenters.</summary>
    public int ReplicationFactor { get; }

    /// <summary>NetworkTopologyStrategy: replication factor per datacenter, sorted by name (ordinal). Empty for SimpleStrategy.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> DatacenterReplicationFactors => _datacenterFactors;

    /// <summary>CREATE KEYSPACE name WITH replication = {'class': 'SimpleStrategy', 'replication_factor': rf}.</summary>
    public static KeyspaceDefinition Simple(string name, int replicationFactor)
    {
        SchemaNames.ValidateKeyspace(name);
        if (replicationFactor < 1)
        {
            throw new InvalidRequestException($"Keyspace '{name}': replication_factor must be at least 1, got {replicationFactor}.");
        }

        return new KeyspaceDefinition(name, ReplicationStrategyKind.Simple, replicationFactor, []);
    }

    /// <summary>CREATE KEYSPACE name WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, ...}.</summary>
    public static KeyspaceDefinition NetworkTopology(string name, IReadOnlyDictionary<string, int> replicationFactorByDatacenter)
    {
        SchemaNames.ValidateKeyspace(name);
        ArgumentNullException.ThrowIfNull(replicationFactorByDatacenter);
        if (replicationFactorByDatacenter.Count == 0)
        {
            throw new InvalidRequestException($"Keyspace '{name}': NetworkTopologyStrategy needs a replication factor for at least one datacenter.");
        }

        foreach (var (dc, rf) in replicationFactorByDatacenter)
        {
            if (string.IsNullOrWhiteSpace(dc))
            {
                throw new InvalidRequestException($"Keyspace '{name}': datacenter names must not be empty.");
            }

            if (rf < 1)
            {
                throw new InvalidRequestException($"Keyspace '{name}': replication factor for datacenter '{dc}' must be at least 1, got {rf}.");
            }
        }

        // Sorted so equal maps give equal definitions, equal bytes on disk and equal schema versions.
        KeyValuePair<string, int>[] sorted = [.. replicationFactorByDatacenter.OrderBy(p => p.Key, StringComparer.Ordinal)];
        return new KeyspaceDefinition(name, ReplicationStrategyKind.NetworkTopology, sorted.Sum(p => p.Value), sorted);
    }

    /// <summary>The placement strategy the ring uses for this keyspace's data.</summary>
    public IReplicationStrategy CreateStrategy() => Strategy switch
    {
        ReplicationStrategyKind.Simple => new SimpleStrategy(ReplicationFactor),
        ReplicationStrategyKind.NetworkTopology => new NetworkTopologyStrategy(_datacenterFactors.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)),
        _ => throw new InvalidOperationException($"Unknown replication strategy {Strategy}."),
    };

    public bool Equals(KeyspaceDefinition? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && Strategy == other.Strategy
        && ReplicationFactor == other.ReplicationFactor
        && _datacenterFactors.AsSpan().SequenceEqual(other._datacenterFactors);

    public override bool Equals(object? obj) => Equals(obj as KeyspaceDefinition);

    public override int GetHashCode() => HashCode.Combine(Name, Strategy, ReplicationFactor);

    public override string ToString() => Strategy == ReplicationStrategyKind.Simple
        ? $"{Name} (SimpleStrategy, RF {ReplicationFactor})"
        : $"{Name} (NetworkTopologyStrategy, {string.Join(", ", _datacenterFactors.Select(p => $"{p.Key}: {p.Value}"))})";
}
