using RingStore.Coordination;
using RingStore.Coordination.Batchlog;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Node.Batchlog;

/// <summary>
/// This node's batchlog: the local system table <c>system.batches</c> in the storage engine (commit log, memtable,
/// SSTables: an acknowledged entry survives a crash of this node as any write does). One partition per batch, keyed
/// by its time UUID; one row with one blob cell holding the BatchStore message as it came over the wire (MessagePack,
/// see <see cref="BatchStoreMessage"/>). The row is written at the entry's own timestamp and removed by a partition
/// tombstone at that same timestamp, so a store that arrives after its remove (a late retransmit) stays deleted.
/// The table is local: it is not in the schema, never replicated, streamed, repaired or cleaned up; <c>system</c> is
/// a reserved keyspace name, so no user table can collide with it. gc_grace 0 (as Cassandra's): nothing else holds
/// this partition, so its tombstone can be purged at the first compaction that sees the data too.
/// </summary>
public sealed class LocalBatchlog(StorageEngine engine, TimeProvider clock)
{
    /// <summary>The table's identity is fixed (its directory name carries the id): the same table across restarts.</summary>
    public static readonly TableSchema Table = new(
        Schema.SchemaNames.SystemKeyspace, "batches",
        [new ColumnDefinition("id", ColumnType.TimeUuid)],
        [],
        [new ColumnDefinition("batch", ColumnType.Blob)],
        new TableOptions { GcGraceSeconds = 0 },
        new Guid("0b5e0b5e-ba7c-4109-9000-000000000001"));

    private const int BatchColumn = 0;

    // A replay page: bounded by rows and bytes like any range read (one entry is at most a mutation's size limit).
    private const int PageRows = 256;
    private const long PageBytes = 8L << 20;

    /// <summary>Keeps <paramref name="payload"/> (the MessagePack of <paramref name="message"/>) until it is removed.</summary>
    public ValueTask StoreAsync(BatchStoreMessage message, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = new Row([], LivenessInfo.At(message.WrittenAtMicros), DeletionTime.Live,
            [Cell.Live(BatchColumn, message.WrittenAtMicros, payload.ToArray())]);
        return engine.ApplyAsync(PartitionUpdate.OfRows(Table.FullName, KeyOf(message.Id), row), ct);
    }

    public ValueTask StoreAsync(BatchStoreMessage message, CancellationToken ct) =>
        StoreAsync(message, CoordinationMessageSerializer.Serialize(message), ct);

    /// <summary>Deletes the entry (idempotent; a missing entry is fine).</summary>
    public ValueTask RemoveAsync(Guid id, long writtenAtMicros, CancellationToken ct)
    {
        int nowSeconds = (int)clock.GetUtcNow().ToUnixTimeSeconds();
        return engine.ApplyAsync(PartitionUpdate.DeletePartition(Table.FullName, KeyOf(id), new DeletionTime(writtenAtMicros, nowSeconds)), ct);
    }

    /// <summary>
    /// Every live entry, read page by page from the engine. An entry whose bytes cannot be decoded is returned as
    /// null message with its id (so the caller can log and drop it rather than trip over it every round).
    /// </summary>
    public IEnumerable<(Guid Id, long WrittenAtMicros, BatchStoreMessage? Message)> ReadAll(CancellationToken ct = default)
    {
        var after = RangePosition.AfterToken(Token.Minimum);
        while (true)
        {
            var page = engine.ReadTokenRangePage(Table.FullName, after, Token.Maximum, PageRows, PageBytes, ct: ct);
            foreach (var partition in page.Partitions)
            {
                if (Live(partition) is not { } cell) continue;
                var id = (Guid)PartitionKeyCodec.Deserialize(Table.PartitionKey, partition.Key)[0];
                BatchStoreMessage? message;
                try
                {
                    message = CoordinationMessageSerializer.Deserialize<BatchStoreMessage>(cell.Value);
                }
                catch (FormatException)
                {
                    message = null;
                }
                yield return (id, cell.TimestampMicros, message);
            }
            if (page.Resume is null) yield break;
            after = page.Resume;
        }
    }

    /// <summary>How many live entries this node holds (tests, diagnostics).</summary>
    public int Count() => ReadAll().Count();

    private Cell? Live(MergedPartitionData partition)
    {
        int now = (int)clock.GetUtcNow().ToUnixTimeSeconds();
        foreach (var row in partition.Rows)
        {
            if (row.CellFor(BatchColumn) is { Value: not null } cell && cell.IsLiveAt(now)
                && !partition.PartitionDeletion.Shadows(cell.TimestampMicros) && !row.Deletion.Shadows(cell.TimestampMicros))
                return cell;
        }
        return null;
    }

    private static byte[] KeyOf(Guid id) => PartitionKeyCodec.Serialize(Table.PartitionKey, [id]);
}
