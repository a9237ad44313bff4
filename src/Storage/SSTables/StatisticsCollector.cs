using RingStore.Core.Data;
using RingStore.Core.Partitioning;

namespace RingStore.Storage.SSTables;

/// <summary>Accumulates <see cref="SSTableStatistics"/> while the writer streams partitions and rows.</summary>
internal sealed class StatisticsCollector
{
    private long _minTs = long.MaxValue, _maxTs = long.MinValue;
    private byte[]? _minClustering, _maxClustering;
    private Token _minToken = Token.Maximum, _maxToken = Token.Minimum;
    private byte[] _firstKey = [], _lastKey = [];
    private long _partitions, _rows, _cells, _tombstones, _rangeTombstones, _partitionDeletions, _maxPartitionBytes;
    private int _maxLdt = int.MinValue, _minLdt = int.MaxValue;

    public void OnPartition(byte[] key, Token token, DeletionTime deletion, IReadOnlyList<RangeTombstone> rangeTombstones)
    {
        if (_partitions == 0) _firstKey = key;
        _lastKey = key;
        _partitions++;
        if (token < _minToken) _minToken = token;
        if (token > _maxToken) _maxToken = token;
        if (!deletion.IsLive)
        {
            _partitionDeletions++;
            OnDeletion(deletion);
        }
        foreach (var rt in rangeTombstones)
        {
            _rangeTombstones++;
            OnDeletion(rt.Deletion);
        }
    }

    public void OnPartitionEnd(long partitionBytes) => _maxPartitionBytes = Math.Max(_maxPartitionBytes, partitionBytes);

    /// <summary>Rows arrive in clustering order within a partition, but min/max span all partitions.</summary>
    public void OnRow(Row row)
    {
        _rows++;
        if (_minClustering is null || row.Clustering.AsSpan().SequenceCompareTo(_minClustering) < 0) _minClustering = row.Clustering;
        if (_maxClustering is null || row.Clustering.AsSpan().SequenceCompareTo(_maxClustering) > 0) _maxClustering = row.Clustering;
        if (!row.Liveness.IsEmpty)
        {
            OnTimestamp(row.Liveness.TimestampMicros);
            if (row.Liveness.TtlSeconds > 0) OnExpiring(row.Liveness.ExpiresAtSeconds);
            else _maxLdt = int.MaxValue;
        }
        if (!row.Deletion.IsLive) OnDeletion(row.Deletion);
        foreach (var c in row.Cells)
        {
            _cells++;
            OnTimestamp(c.TimestampMicros);
            if (c.IsTombstone)
            {
                _tombstones++;
                OnExpiring(c.LocalDeletionTimeSeconds);
            }
            else if (c.TtlSeconds > 0) OnExpiring(c.LocalDeletionTimeSeconds);
            else _maxLdt = int.MaxValue;
        }
    }

    private void OnDeletion(DeletionTime d)
    {
        _tombstones++;
        OnTimestamp(d.MarkedForDeleteAtMicros);
        OnExpiring(d.LocalDeletionTimeSeconds);
    }

    private void OnTimestamp(long ts)
    {
        if (ts < _minTs) _minTs = ts;
        if (ts > _maxTs) _maxTs = ts;
    }

    private void OnExpiring(int ldt)
    {
        if (ldt < _minLdt) _minLdt = ldt;
        if (ldt > _maxLdt) _maxLdt = ldt;
    }

    public SSTableStatistics Build(long dataSizeBytes) => new()
    {
        MinTimestampMicros = _minTs,
        MaxTimestampMicros = _maxTs,
        MinClustering = _minClustering ?? [],
        MaxClustering = _maxClustering ?? [],
        MinToken = _minToken,
        MaxToken = _maxToken,
        FirstKey = _firstKey,
        LastKey = _lastKey,
        PartitionCount = _partitions,
        RowCount = _rows,
        CellCount = _cells,
        TombstoneCount = _tombstones,
        RangeTombstoneCount = _rangeTombstones,
        PartitionDeletionCount = _partitionDeletions,
        MaxLocalDeletionTimeSeconds = _maxLdt,
        MinLocalDeletionTimeSeconds = _minLdt,
        DataSizeBytes = dataSizeBytes,
        MaxPartitionSizeBytes = _maxPartitionBytes,
    };
}
