using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Serialization;
using RingStore.Storage.Reads;

namespace RingStore.Storage.Engine;

/// <summary>
/// Fills one <see cref="TokenRangePage"/> from a (token, key)-ordered stream of merged partitions whose rows are lazy,
/// pulling one row at a time, so a partition is never held whole: the page stops when the next row would pass
/// <c>maxRows</c> rows or <c>maxBytes</c> encoded bytes. It may stop inside a partition (the resume position then
/// names its last row) and always holds at least one row, so a single row larger than the budget still makes
/// progress. A partition without rows (only a deletion) counts as one row, so empty partitions are bounded too.
/// Pure: no I/O beyond enumerating what it is given; separate from the engine so the rule is testable alone.
/// </summary>
internal sealed class BoundedRangePager(int maxRows, long maxBytes)
{
    private readonly List<MergedPartitionData> _partitions = [];
    private readonly BinaryWriterBuffer _scratch = new(1024);
    private long _bytes;
    private int _rows;
    private RangePosition? _resume;

    public bool IsFull => _resume is not null;

    /// <summary>
    /// Adds what fits of <paramref name="p"/>; false when the page is full (then <see cref="Finish"/> says where the
    /// next page starts). A partition refused before its first row is not read past its header.
    /// </summary>
    public bool TryAdd(MergedPartition p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (_resume is not null) return false;
        long header = HeaderSize(p);
        if (_partitions.Count > 0 && (_rows >= maxRows || _bytes + header > maxBytes))
        {
            var last = _partitions[^1];
            _resume = new RangePosition(last.Token, last.Key);
            return false;
        }
        var rows = new List<Row>();
        long bytes = header;
        foreach (var row in p.Rows)
        {
            long size = RowSize(row);
            bool pageHasRows = _rows + rows.Count > 0;
            if (pageHasRows && (_rows + rows.Count >= maxRows || _bytes + bytes + size > maxBytes))
            {
                if (rows.Count == 0)
                {
                    // Not even one row of this partition fits: resume before it, after the previous partition.
                    var last = _partitions[^1];
                    _resume = new RangePosition(last.Token, last.Key);
                    return false;
                }
                Add(p, rows, bytes);
                _resume = new RangePosition(p.Token, p.Key, rows[^1].Clustering);
                return false;
            }
            rows.Add(row);
            bytes += size;
        }
        Add(p, rows, bytes);
        return true;
    }

    private void Add(MergedPartition p, List<Row> rows, long bytes)
    {
        _partitions.Add(new MergedPartitionData(p.Key, p.Token, p.PartitionDeletion, p.RangeTombstones, rows));
        _bytes += bytes;
        _rows += Math.Max(1, rows.Count);
    }

    /// <summary>The page; the resume position is null when the stream ended before the page filled.</summary>
    public TokenRangePage Finish() => new(_partitions, _resume, _bytes, _rows);

    /// <summary>Marks the page as ending after what it holds although the source has more (a caller-side stop).</summary>
    public TokenRangePage FinishAt(RangePosition resume) => new(_partitions, resume, _bytes, _rows);

    /// <summary>Bytes of the partition's key, deletion and range tombstones as the commit log and SSTables encode them.</summary>
    private long HeaderSize(MergedPartition p)
    {
        _scratch.Clear();
        _scratch.WriteBlob(p.Key);
        DataSerializer.WriteDeletion(_scratch, p.PartitionDeletion);
        _scratch.WriteVarUInt((ulong)p.RangeTombstones.Count);
        foreach (var rt in p.RangeTombstones) DataSerializer.WriteRangeTombstone(_scratch, rt);
        return _scratch.Length;
    }

    private long RowSize(Row row)
    {
        _scratch.Clear();
        DataSerializer.WriteRow(_scratch, row);
        return _scratch.Length;
    }
}
