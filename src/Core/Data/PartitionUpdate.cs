namespace RingStore.Core.Data;

/// <summary>
/// A mutation of one partition of one table: an optional partition deletion, range tombstones and
/// rows. This is the unit the commit log records, the memtable applies and replicas receive.
/// </summary>
public sealed class PartitionUpdate
{
    public PartitionUpdate(string table, byte[] partitionKey, DeletionTime partitionDeletion,
        IReadOnlyList<RangeTombstone> rangeTombstones, IReadOnlyList<Row> rows)
    {
        Table = table;
        PartitionKey = partitionKey;
        PartitionDeletion = partitionDeletion;
        RangeTombstones = rangeTombstones;
        Rows = rows;
    }

    /// <summary>"keyspace.table".</summary>
    public string Table { get; }

    /// <summary>Serialized partition key (Cassandra serialization, see PartitionKeyCodec).</summary>
    public byte[] PartitionKey { get; }

    public DeletionTime PartitionDeletion { get; }
    public IReadOnlyList<RangeTombstone> RangeTombstones { get; }
    public IReadOnlyList<Row> Rows { get; }

    public static PartitionUpdate OfRows(string table, byte[] partitionKey, params Row[] rows) =>
        new(table, partitionKey, DeletionTime.Live, [], rows);

    public static PartitionUpdate DeletePartition(string table, byte[] partitionKey, DeletionTime deletion) =>
        new(table, partitionKey, deletion, [], []);

    public static PartitionUpdate DeleteRange(string table, byte[] partitionKey, RangeTombstone tombstone) =>
        new(table, partitionKey, DeletionTime.Live, [tombstone], []);
}
