using System.Collections.Concurrent;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Gossip.Ring;
using RingStore.Node.Cluster;
using RingStore.Node.Schema;

namespace RingStore.Node.Requests;

/// <summary>Where a partition lives: one membership snapshot, the keyspace's strategy, natural and pending replicas.</summary>
public sealed record ReplicaSet(
    MembershipSnapshot Membership,
    IReplicationStrategy Strategy,
    Token Token,
    IReadOnlyList<NodeInfo> Natural,
    IReadOnlyList<NodeInfo> Pending);

/// <summary>
/// Resolves tables and replica sets from the current schema and membership. Strategies are cached per keyspace
/// definition so the membership snapshot's per-strategy ring cache is hit on every request.
/// </summary>
public sealed class ReplicaLookup(SchemaManager schema, Func<MembershipSnapshot> membership)
{
    private readonly ConcurrentDictionary<KeyspaceDefinition, IReplicationStrategy> _strategies = new();

    public TableSchema Table(string keyspace, string table)
    {
        var current = schema.Current;
        if (current.TryGetTable(keyspace, table, out var found)) return found;
        if (!current.TryGetKeyspace(keyspace, out _)) throw new InvalidRequestException($"Keyspace '{keyspace}' does not exist.");
        throw new UnknownTableException($"{keyspace}.{table}");
    }

    public IReplicationStrategy Strategy(string keyspace)
    {
        if (!schema.Current.TryGetKeyspace(keyspace, out var definition))
            throw new InvalidRequestException($"Keyspace '{keyspace}' does not exist.");
        return _strategies.GetOrAdd(definition, d => d.CreateStrategy());
    }

    public ReplicaSet For(string keyspace, byte[] partitionKey)
    {
        var strategy = Strategy(keyspace);
        var snapshot = membership();
        var cluster = snapshot.For(strategy);
        if (cluster.Ring.IsEmpty) throw new UnavailableException(Core.Consistency.ConsistencyLevel.One, 1, 0);
        var token = Murmur3Partitioner.GetToken(partitionKey);
        // Natural replicas from the snapshot's per-vnode cache: no list, iterator or array per request.
        return new ReplicaSet(snapshot, strategy, token, cluster.NaturalReplicasFor(token), cluster.Pending.PendingFor(token));
    }
}
