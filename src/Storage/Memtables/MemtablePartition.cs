using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Storage.Memtables;

/// <summary>
/// One partition in a memtable: rows sorted by encoded clustering key plus the partition's
/// deletions. Writers to the same partition serialize on a lock; writers to different partitions
/// never contend. Readers copy the rows they need under the same lock, so what they return is a
/// stable snapshot.
/// </summary>
internal sealed class MemtablePartition
{
    private readonly object _gate = new();
    private readonly SortedDictionary<byte[], Row> _rows = new(ByteArrayComparer.Instance);
    private readonly List<RangeTombstone> _rangeTombstones = [];
    private DeletionTime _partitionDeletion = DeletionTime.Live;

    public MemtablePartition(byte[] key)
    {
        Key = key;
        Token = Murmur3Partitioner.GetToken(key);
    }

    public byte[] Key { get; }
    public Token Token { get; }

    /// <summary>Applies an update with the merge rule; returns the change in estimated size.</summary>
    public long Apply(PartitionUpdate update)
    {
        long delta = 0;
        lock (_gate)
        {
            _partitionDeletion = DeletionTime.Max(_partitionDeletion, update.PartitionDeletion);
            foreach (var rt in update.RangeTombstones)
            {
                _rangeTombstones.Add(rt);
                delta += 64 + rt.Slice.Start.Prefix.Length + rt.Slice.End.Prefix.Length;
            }
            foreach (var row in update.Rows)
            {
                if (_rows.TryGetValue(row.Clustering, out var existing))
                {
                    var merged = Reconcile.Rows(existing, row);
                    delta += merged.EstimatedSizeBytes - existing.EstimatedSizeBytes;
                    _rows[row.Clustering] = merged;
                }
                else
                {
                    _rows.Add(row.Clustering, row);
                    delta += row.EstimatedSizeBytes + 48;
                }
            }
        }
        return delta;
    }

    /// <summary>A consistent copy of the rows in <paramref name="slice"/>, in the requested order.</summary>
    public PartitionSnapshot Snapshot(ClusteringSlice slice, bool reversed)
    {
        lock (_gate)
        {
            var rows = new List<Row>();
            foreach (var (key, row) in _rows)
            {
                if (!slice.Start.AdmitsAsStart(key)) continue;
                if (!slice.End.AdmitsAsEnd(key)) break;
                rows.Add(row);
            }
            if (reversed) rows.Reverse();
            return new PartitionSnapshot(Key, Token, _partitionDeletion, _rangeTombstones.ToArray(), rows);
        }
    }
}
