using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;

namespace RingStore.Simulation;

/// <summary>
/// A replica's durable data: partition key -> merged partition, using Storage's merge (the engine's rule)
/// and answering reads as StorageEngine.ReadUnfiltered does (slice, direction, stop after Limit live rows).
/// Survives kills: an applied write was "fsynced" before the ack.
/// </summary>
public sealed class SimReplicaStore
{
    private readonly Dictionary<string, MergedPartitionData> _partitions = new(StringComparer.Ordinal);

    public void Apply(PartitionUpdate update)
    {
        string id = Convert.ToHexString(update.PartitionKey);
        var incoming = new PartitionSnapshot(update.PartitionKey, Murmur3Partitioner.GetToken(update.PartitionKey),
            update.PartitionDeletion, update.RangeTombstones, update.Rows);
        var sources = new List<PartitionSnapshot> { incoming };
        if (_partitions.TryGetValue(id, out var existing))
        {
            sources.Add(new PartitionSnapshot(existing.Key, existing.Token, existing.PartitionDeletion, existing.RangeTombstones, existing.Rows));
        }
        var merged = PartitionMerger.Merge(sources, reversed: false)!;
        _partitions[id] = new MergedPartitionData(merged.Key, merged.Token, merged.PartitionDeletion,
            merged.RangeTombstones.Distinct().ToList(), merged.Rows.ToList());
    }

    /// <summary>The newest timestamp this replica holds for a partition (a write, a row or partition deletion); MinValue if none.</summary>
    public long LatestTimestamp(byte[] partitionKey)
    {
        if (!_partitions.TryGetValue(Convert.ToHexString(partitionKey), out var data)) return long.MinValue;
        long latest = data.PartitionDeletion.MarkedForDeleteAtMicros;
        foreach (var row in data.Rows)
        {
            latest = Math.Max(latest, Math.Max(row.Liveness.TimestampMicros, row.Deletion.MarkedForDeleteAtMicros));
            foreach (var cell in row.Cells) latest = Math.Max(latest, cell.TimestampMicros);
        }
        return latest;
    }

    public MergedPartitionData? Read(SliceQuery query, int nowSeconds)
    {
        if (!_partitions.TryGetValue(Convert.ToHexString(query.PartitionKey), out var data))
        {
            return null;
        }
        var slice = query.EffectiveSlice();
        IEnumerable<Row> ordered = query.Reversed ? data.Rows.Reverse() : data.Rows;
        var rows = new List<Row>();
        int live = 0;
        foreach (var row in ordered.Where(r => slice.Contains(r.Clustering)))
        {
            if (live == query.Limit)
            {
                break;
            }
            rows.Add(row);
            if (LiveRows.Visible(row, nowSeconds) is not null)
            {
                live++;
            }
        }
        return data with { Rows = rows };
    }
}
