using RingStore.Core.Data;

namespace RingStore.Storage.Tests.Engine;

/// <summary>
/// A deliberately naive model of a table: every cell, marker and deletion ever written, kept in
/// plain dictionaries and resolved at read time. It shares only the merge rule (Reconcile.Cells)
/// with the engine, none of its memtable/SSTable/compaction machinery.
/// </summary>
internal sealed class ReferenceModel
{
    private readonly Dictionary<long, PartitionModel> _partitions = [];

    private sealed class PartitionModel
    {
        public DeletionTime Deletion = DeletionTime.Live;
        public readonly List<RangeTombstone> Ranges = [];
        public readonly SortedDictionary<byte[], RowModel> Rows = new(ByteArrayComparer.Instance);
    }

    private sealed class RowModel
    {
        public LivenessInfo Marker = LivenessInfo.None;
        public DeletionTime Deletion = DeletionTime.Live;
        public readonly Dictionary<int, Cell> Cells = [];
    }

    public void Apply(long pk, PartitionUpdate u)
    {
        if (!_partitions.TryGetValue(pk, out var p)) _partitions[pk] = p = new PartitionModel();
        p.Deletion = DeletionTime.Max(p.Deletion, u.PartitionDeletion);
        p.Ranges.AddRange(u.RangeTombstones);
        foreach (var row in u.Rows)
        {
            if (!p.Rows.TryGetValue(row.Clustering, out var r)) p.Rows[row.Clustering] = r = new RowModel();
            r.Marker = Reconcile.Liveness(r.Marker, row.Liveness);
            r.Deletion = DeletionTime.Max(r.Deletion, row.Deletion);
            foreach (var c in row.Cells)
                r.Cells[c.Column] = r.Cells.TryGetValue(c.Column, out var old) ? Reconcile.Cells(old, c) : c;
        }
    }

    /// <summary>Visible rows of a partition in clustering order: (clustering, column -> value), marker flag.</summary>
    public List<(byte[] Clustering, SortedDictionary<int, byte[]> Cells, bool Marker)> Read(long pk, int nowSeconds)
    {
        var result = new List<(byte[], SortedDictionary<int, byte[]>, bool)>();
        if (!_partitions.TryGetValue(pk, out var p)) return result;
        foreach (var (ck, r) in p.Rows)
        {
            var shadow = DeletionTime.Max(p.Deletion, r.Deletion);
            foreach (var rt in p.Ranges)
                if (rt.Covers(ck)) shadow = DeletionTime.Max(shadow, rt.Deletion);
            var cells = new SortedDictionary<int, byte[]>();
            foreach (var (col, c) in r.Cells)
                if (!shadow.Shadows(c.TimestampMicros) && c.IsLiveAt(nowSeconds)) cells[col] = c.Value!;
            bool marker = !shadow.Shadows(r.Marker.TimestampMicros) && r.Marker.IsLiveAt(nowSeconds);
            if (cells.Count > 0 || marker) result.Add((ck, cells, marker));
        }
        return result;
    }
}
