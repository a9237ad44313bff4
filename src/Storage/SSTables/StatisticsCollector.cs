using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Serialization;

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
    private readonly DeletionTimeHistogram.Builder _deletionTimes = new();

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
        OnRowHeader(row.Clustering, row.Clustering, row.Liveness, row.Deletion);
        foreach (var c in row.Cells) OnCell(c.TimestampMicros, c.IsTombstone, c.TtlSeconds, c.LocalDeletionTimeSeconds);
    }

    /// <summary>The same for a row still in its encoded form (a memtable flush): nothing is decoded to objects.</summary>
    public void OnRow(ReadOnlySpan<byte> encodedRow)
    {
        var reader = new EncodedRowReader(encodedRow);
        OnRowHeader(reader.Clustering, null, reader.Liveness, reader.Deletion);
        while (reader.TryReadCell(out var c)) OnCell(c.TimestampMicros, c.IsTombstone, c.TtlSeconds, c.LocalDeletionTimeSeconds);
    }

    /// <param name="clusteringArray">The clustering as an array when the caller has one (kept instead of a copy).</param>
    private void OnRowHeader(ReadOnlySpan<byte> clustering, byte[]? clusteringArray, LivenessInfo liveness, DeletionTime deletion)
    {
        _rows++;
        if (_minClustering is null || clustering.SequenceCompareTo(_minClustering) < 0) _minClustering = clusteringArray ?? clustering.ToArray();
        if (_maxClustering is null || clustering.SequenceCompareTo(_maxClustering) > 0) _maxClustering = clusteringArray ?? clustering.ToArray();
        if (!liveness.IsEmpty)
        {
            OnTimestamp(liveness.TimestampMicros);
            if (liveness.TtlSeconds > 0)
            {
                OnExpiring(liveness.ExpiresAtSeconds);
                _deletionTimes.Add(liveness.ExpiresAtSeconds);
            }
            else _maxLdt = int.MaxValue;
        }
        if (!deletion.IsLive) OnDeletion(deletion);
    }

    private void OnCell(long timestampMicros, bool isTombstone, int ttlSeconds, int localDeletionTimeSeconds)
    {
        _cells++;
        OnTimestamp(timestampMicros);
        if (isTombstone)
        {
            _tombstones++;
            OnExpiring(localDeletionTimeSeconds);
            _deletionTimes.Add(localDeletionTimeSeconds);
        }
        else if (ttlSeconds > 0)
        {
            OnExpiring(localDeletionTimeSeconds);
            _deletionTimes.Add(localDeletionTimeSeconds);
        }
        else
        {
            _maxLdt = int.MaxValue;
            _deletionTimes.AddPermanent();
        }
    }

    private void OnDeletion(DeletionTime d)
    {
        _tombstones++;
        OnTimestamp(d.MarkedForDeleteAtMicros);
        OnExpiring(d.LocalDeletionTimeSeconds);
        _deletionTimes.Add(d.LocalDeletionTimeSeconds);
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
        DeletionTimes = _deletionTimes.Build(),
    };
}
