namespace RingStore.Core.Errors;

/// <summary>
/// A read scanned more tombstones in one partition than the tombstone failure threshold allows and was stopped
/// (Cassandra's TombstoneOverwhelmingException). Thrown by the storage engine with the table and the raw key; the
/// node rethrows it with the key as text, and replicas send that message back to the coordinator.
/// An InvalidRequest kind until the coordinator reports replica failures as ReadFailure: retrying does not help.
/// </summary>
public sealed class TombstoneOverwhelmingException : InvalidRequestException
{
    public TombstoneOverwhelmingException(string table, string partitionKey, long tombstones, long threshold)
        : base($"Scanned over {threshold} tombstones during query on {table} partition key '{partitionKey}' " +
            $"({tombstones} scanned when it stopped); query aborted")
    {
        Table = table;
        PartitionKey = partitionKey;
        Tombstones = tombstones;
        Threshold = threshold;
    }

    /// <summary>As received from a replica: the message is already complete.</summary>
    public TombstoneOverwhelmingException(string message)
        : base(message)
    {
        Table = "";
        PartitionKey = "";
    }

    /// <summary>keyspace.table</summary>
    public string Table { get; }

    /// <summary>The key as text (or hex when the engine threw it and no schema was at hand).</summary>
    public string PartitionKey { get; }

    public long Tombstones { get; }

    public long Threshold { get; }
}
