namespace RingStore.Node.Schema;

/// <summary>How a keyspace places replicas. Persisted and sent to peers: explicit values, append-only.</summary>
public enum ReplicationStrategyKind : byte
{
    /// <summary>Cassandra's SimpleStrategy: one replication factor, datacenters and racks ignored.</summary>
    Simple = 0,

    /// <summary>Cassandra's NetworkTopologyStrategy: a replication factor per datacenter.</summary>
    NetworkTopology = 1,
}
