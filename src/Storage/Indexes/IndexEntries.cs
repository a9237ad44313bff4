using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Schema;
using RingStore.Core.Values;

namespace RingStore.Storage.Indexes;

/// <summary>
/// What a base-table write adds to an index (pure): for every row of the update that writes a value to the indexed
/// column, an entry in the value's partition keyed by (token, key, clustering), with the cell's timestamp and TTL. Nothing
/// is removed when a value is overwritten, a row deleted or a cell tombstoned: the old entry becomes stale, and every
/// read re-checks the base row (as Cassandra's legacy indexes), so the write path stays read-free.
/// </summary>
public static class IndexEntries
{
    private static readonly IReadOnlyList<Core.Schema.ClusteringColumn> EntryKey = [
        new(IndexTableSchema.TokenColumn, ColumnType.BigInt),
        new(IndexTableSchema.KeyColumn, ColumnType.Blob),
        new(IndexTableSchema.ClusteringColumn, ColumnType.Blob),
    ];

    /// <summary>The longest value indexed: the index table's partition key (Cassandra's 64 KiB key limit).</summary>
    public const int MaxValueBytes = ushort.MaxValue;

    /// <summary>The index updates (one per distinct value) for <paramref name="update"/>; empty when it writes no indexed value.</summary>
    public static IReadOnlyList<PartitionUpdate> For(PartitionUpdate update, int column, string indexTable)
    {
        ArgumentNullException.ThrowIfNull(update);
        List<(byte[] Value, Row Entry)>? entries = null;
        long token = 0;
        foreach (var row in update.Rows)
        {
            // A tombstone or an empty value indexes nothing; nor does one too long to be a partition key (as Cassandra refuses them).
            if (row.CellFor(column) is not { Value: { Length: > 0 and <= MaxValueBytes } value } cell) continue;
            if (entries is null)
            {
                entries = [];
                token = Murmur3Partitioner.GetToken(update.PartitionKey).Value;
            }
            entries.Add((value, Entry(token, update.PartitionKey, row.Clustering, cell)));
        }
        if (entries is null) return [];
        return entries.GroupBy(e => Convert.ToHexString(e.Value), StringComparer.Ordinal)
            .Select(g => new PartitionUpdate(indexTable, g.First().Value, DeletionTime.Live, [],
                [.. g.Select(e => e.Entry).OrderBy(r => r.Clustering, ByteArrayComparer.Instance)]))
            .ToList();
    }

    /// <summary>The entry for one live cell: marker = the cell's timestamp, TTL and expiry.</summary>
    public static Row Entry(long token, byte[] partitionKey, byte[] clustering, Cell cell)
    {
        var liveness = cell.TtlSeconds > 0
            ? new LivenessInfo(cell.TimestampMicros, cell.TtlSeconds, cell.LocalDeletionTimeSeconds)
            : LivenessInfo.At(cell.TimestampMicros);
        return new Row(Key(token, partitionKey, clustering), liveness, DeletionTime.Live, []);
    }

    /// <summary>The clustering key of an entry (or of a paging position).</summary>
    public static byte[] Key(long token, byte[] partitionKey, byte[] clustering) =>
        ClusteringKeyCodec.Encode(EntryKey, [token, partitionKey, clustering]);

    /// <summary>The prefix of every entry of one token.</summary>
    public static byte[] TokenPrefix(long token) => ClusteringKeyCodec.Encode(EntryKey, [token]);

    /// <summary>An entry's (token, key, clustering).</summary>
    public static IndexHit Decode(byte[] entryKey)
    {
        var parts = ClusteringKeyCodec.Decode(EntryKey, entryKey);
        return new IndexHit((long)parts[0], (byte[])parts[1], (byte[])parts[2]);
    }
}

/// <summary>One base row an index entry points to: its token, serialized partition key and encoded clustering.</summary>
public sealed record IndexHit(long Token, byte[] PartitionKey, byte[] Clustering);
