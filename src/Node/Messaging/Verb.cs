namespace RingStore.Node.Messaging;

/// <summary>
/// What a message is for. The byte value goes over the wire: values are explicit and append-only, never reused,
/// so nodes of different versions in one cluster agree on meaning. Gaps leave room per family.
/// A request's response travels with the request's verb and the Response flag; the *Ack / *Response verbs are
/// for replies that are sent as separate one-way messages (gossip's SYN -> ACK -> ACK2 works that way).
/// </summary>
public enum Verb : byte
{
    /// <summary>Never sent: a zero byte on the wire is a sign of a corrupt frame.</summary>
    None = 0,

    GossipSyn = 1,
    GossipAck = 2,
    GossipAck2 = 3,
    GossipShutdown = 4,
    Echo = 5,

    Mutation = 10,
    MutationAck = 11,
    BatchMutation = 12,
    BatchMutationAck = 13,
    /// <summary>A logged batch's coordinator asks a node to keep the batch in its local batchlog (system.batches) before applying it.</summary>
    BatchStore = 14,
    /// <summary>The batch was applied: the node deletes its batchlog entry.</summary>
    BatchRemove = 15,

    Read = 20,
    ReadResponse = 21,
    DigestRead = 22,
    DigestResponse = 23,
    ReadRepair = 24,
    ReadRepairAck = 25,
    /// <summary>A token-range scan of one table on a replica (SELECT without a partition key).</summary>
    RangeRead = 26,
    /// <summary>A pushed-down aggregate of one token range: the receiver reads it as the range's sub-coordinator and answers partial states.</summary>
    RangeAggregate = 27,

    /// <summary>A replica's local secondary index: the base rows holding a value in a token range (src/Node/Indexes).</summary>
    IndexLookup = 28,

    Hint = 30,
    HintAck = 31,

    SchemaPull = 40,
    SchemaPullResponse = 41,
    SchemaPush = 42,
    SchemaVersionCheck = 43,
    /// <summary>TRUNCATE: the receiving node drops all data of one table.</summary>
    Truncate = 44,

    /// <summary>A receiving node pulls one bounded page of a token range of one table from a source node.</summary>
    StreamPage = 50,
    /// <summary>Asks a node to pull ranges from a source and answer when it holds them (decommission, removenode).</summary>
    StreamPull = 51,
    /// <summary>Asks a node what role it sees an endpoint in (NORMAL, BOOT, LEAVING, REMOVING, ...).</summary>
    TopologyProbe = 52,
    /// <summary>Starts a stream of one table on the source: flush, then list the SSTables that can go whole.</summary>
    StreamManifest = 53,
    /// <summary>A receiving node pulls one checksummed chunk of one component file of an SSTable streamed whole.</summary>
    StreamFileChunk = 54,

    /// <summary>Repair validation: a replica builds the Merkle tree of one token range of one table and returns its leaves.</summary>
    RepairValidate = 60,
    /// <summary>Repair: the row digests of a token sub-range, one page per request.</summary>
    RepairDigests = 61,
    /// <summary>Repair: named rows / partition headers of a table, with their original timestamps and tombstones.</summary>
    RepairFetch = 62,
    /// <summary>Repair: a range was repaired on every replica at a time; the replica records it in its own repair history.</summary>
    RepairRecorded = 63,

    /// <summary>For tests and diagnostics only.</summary>
    Test = 250,
}
