using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;

namespace RingStore.Simulation;

/// <summary>
/// A replica's durable data: partition key -> merged partition, using Storage's merge (the engine's rule)
/// and answering reads as StorageEngine.ReadUnfiltered does (slice, direction, stop after Limit live rows).
/// Survives kills: an applied write was "fsynced" before the ack. The model behind <c>RealStorage = false</c>
/// (and the reference the engine is compared with in tests); the default run uses <see cref="EngineReplicaStore"/>.
/// </summary>
public sealed class SimReplicaStore : IReplicaStore
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
        return _partitions.TryGetValue(Convert.ToHexString(partitionKey), out var data) ? NewestTimestamp(data) : long.MinValue;
    }

    /// <summary>The newest timestamp in a partition: a write, a row or partition deletion.</summary>
    public static long NewestTimestamp(MergedPartitionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
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

    /// <summary>
    /// A range replica's answer: the partitions (live and tombstoned, every row, as the engine's range read returns
    /// them) positioned after <paramref name="after"/> with token &lt;= <paramref name="endInclusive"/>, in (token, key)
    /// order, stopping once <paramref name="rowLimit"/> rows are in (a partition without rows counts as one). When it
    /// stops before the end of the request, <c>Resume</c> is the last partition it covered: it says nothing past that.
    /// The simulated rows are one per partition, so a reply is cut between partitions, never inside one.
    /// </summary>
    public (IReadOnlyList<MergedPartitionData> Partitions, RangePosition? Resume) ReadRange(RangePosition after, long endInclusive, int rowLimit)
    {
        ArgumentNullException.ThrowIfNull(after);
        var inRange = _partitions.Values
            .Where(p => p.Token.Value <= endInclusive && after.ComparePartition(p.Token, p.Key) > 0)
            .OrderBy(p => p.Token)
            .ThenBy(p => p.Key, ByteArrayComparer.Instance)
            .ToList();
        var taken = new List<MergedPartitionData>();
        int rows = 0;
        foreach (var p in inRange)
        {
            if (rows >= rowLimit)
            {
                var last = taken[^1];
                return (taken, new RangePosition(last.Token, last.Key));
            }
            taken.Add(p);
            rows += Math.Max(1, p.Rows.Count);
        }
        return (taken, null);
    }
}
