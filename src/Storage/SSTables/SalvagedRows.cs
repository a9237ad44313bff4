using RingStore.Core.Data;

namespace RingStore.Storage.SSTables;

/// <summary>
/// The readable rows of one partition, for scrub: read in order until the end marker; a row that cannot be read (bad
/// block, malformed bytes) ends the rows, unless the partition's row index (from a readable Index entry) names a later
/// stretch of rows: reading resumes there, so a bad block in the middle of a large partition costs only the rows near
/// it. Rows are never handed out of clustering order (a writer would refuse them). One enumeration, single-threaded.
/// </summary>
internal sealed class SalvagedRows
{
    private readonly BlockCursor _cursor;
    private readonly IndexEntry? _entry;
    private byte[] _scratch = new byte[256];
    private byte[]? _lastClustering;
    private Row? _peeked;
    private bool _hasPeeked, _done;

    public SalvagedRows(ChecksummedBlockFile data, long firstRowPosition, IndexEntry? entry)
    {
        _cursor = new BlockCursor(data, firstRowPosition);
        _entry = entry;
    }

    /// <summary>Some rows could not be read (or the end marker was not reached).</summary>
    public bool Damaged { get; private set; }

    /// <summary>The end-of-partition marker was read: <see cref="EndPosition"/> is where the next partition starts.</summary>
    public bool Completed { get; private set; }

    public long EndPosition => _cursor.Position;

    /// <summary>Rows handed out by <see cref="Rows"/>.</summary>
    public long Kept { get; private set; }

    /// <summary>Whether there is at least one readable row (reads it ahead; <see cref="Rows"/> still returns it).</summary>
    public bool HasAnyRow()
    {
        if (!_hasPeeked)
        {
            _peeked = Next();
            _hasPeeked = true;
        }
        return _peeked is not null;
    }

    public IEnumerable<Row> Rows()
    {
        if (HasAnyRow())
        {
            Kept++;
            yield return _peeked!;
        }
        _peeked = null;
        while (Next() is { } row)
        {
            Kept++;
            yield return row;
        }
    }

    /// <summary>Reads past whatever <see cref="Rows"/> did not consume, so <see cref="Completed"/> and <see cref="EndPosition"/> hold.</summary>
    public void Drain()
    {
        while (Next() is not null) { }
    }

    private Row? Next()
    {
        while (!_done)
        {
            long at = _cursor.Position;
            Row? row;
            try
            {
                row = PartitionRowReader.ReadRow(_cursor, ref _scratch);
            }
            catch (CorruptSSTableException)
            {
                Damaged = true;
                if (!TryResumeAfter(at)) _done = true;
                continue;
            }
            if (row is null)
            {
                _done = true;
                Completed = true;
                return null;
            }
            if (_lastClustering is not null && row.Clustering.AsSpan().SequenceCompareTo(_lastClustering) <= 0)
            {
                // Cannot happen with a matching CRC; never let a writer see rows out of order.
                Damaged = true;
                _done = true;
                return null;
            }
            _lastClustering = row.Clustering;
            return row;
        }
        return null;
    }

    /// <summary>Moves to the first row-index stretch that starts after <paramref name="failedAt"/>; false if none.</summary>
    private bool TryResumeAfter(long failedAt)
    {
        if (_entry is null) return false;
        var stretches = _entry.RowIndex.OpenReader();
        for (int i = 0; i < _entry.RowIndex.Count; i++)
        {
            var stretch = stretches.Get(i);
            long start = _entry.DataPosition + stretch.Offset;
            if (start <= failedAt) continue;
            _cursor.Position = start;
            return true;
        }
        return false;
    }
}
