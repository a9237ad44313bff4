namespace RingStore.Core.Consistency;

/// <summary>
/// How many replicas must answer before a read or write succeeds. The byte values are Cassandra's native
/// protocol codes; they go over the wire (gRPC, internode) so they are explicit and never reused.
/// </summary>
public enum ConsistencyLevel : byte
{
    /// <summary>Writes only: succeeds once any replica, or a hint for one, has it.</summary>
    Any = 0,
    One = 1,
    Two = 2,
    Three = 3,
    /// <summary>A majority of all replicas (sum of every datacenter's RF / 2 + 1).</summary>
    Quorum = 4,
    All = 5,
    /// <summary>A majority of the replicas in the coordinator's datacenter.</summary>
    LocalQuorum = 6,
    /// <summary>A majority in every datacenter.</summary>
    EachQuorum = 7,
    LocalOne = 10,
}
