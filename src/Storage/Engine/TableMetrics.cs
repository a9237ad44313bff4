using HdrHistogram;

namespace RingStore.Storage.Engine;

/// <summary>Per-table counters and latency histograms (microseconds), safe for concurrent recording.</summary>
public sealed class TableMetrics
{
    // 1 µs .. 60 s at 3 significant digits.
    private readonly LongConcurrentHistogram _readLatency = new(1, 60_000_000, 3);
    private readonly LongConcurrentHistogram _writeLatency = new(1, 60_000_000, 3);
    private long _reads, _writes, _flushes, _compactions;

    public void RecordRead(long micros) { Interlocked.Increment(ref _reads); _readLatency.RecordValue(Clamp(micros)); }
    public void RecordWrite(long micros) { Interlocked.Increment(ref _writes); _writeLatency.RecordValue(Clamp(micros)); }
    public void RecordFlush() => Interlocked.Increment(ref _flushes);
    public void RecordCompaction() => Interlocked.Increment(ref _compactions);

    /// <summary>Tombstones a read passed over: deleted or expired rows, range tombstones, a partition deletion.</summary>
    public void RecordTombstones(long count)
    {
        if (count > 0) Interlocked.Add(ref _tombstonesScanned, count);
    }

    private long _tombstonesScanned;

    public long TombstonesScanned => Interlocked.Read(ref _tombstonesScanned);

    /// <summary>Partitions compaction wrote above <see cref="StorageEngineOptions.CompactionLargePartitionWarningBytes"/>.</summary>
    public void RecordLargePartitionCompacted() => Interlocked.Increment(ref _largePartitionsCompacted);

    private long _largePartitionsCompacted;

    public long LargePartitionsCompacted => Interlocked.Read(ref _largePartitionsCompacted);

    /// <summary>SSTables deleted whole because everything in them expired past gc_grace (no compaction rewrite).</summary>
    public void RecordExpiredSSTablesDropped(int count) => Interlocked.Add(ref _expiredSSTablesDropped, count);

    private long _expiredSSTablesDropped;

    public long ExpiredSSTablesDropped => Interlocked.Read(ref _expiredSSTablesDropped);
    /// <summary>Merged rows that token-range pages pulled (a bounded page reads about its row limit, not whole partitions).</summary>
    public void RecordRowsRead(long count)
    {
        if (count > 0) Interlocked.Add(ref _rangeRowsRead, count);
    }

    private long _rangeRowsRead;

    public long RangeRowsRead => Interlocked.Read(ref _rangeRowsRead);

    /// <summary>
    /// Rows single-partition reads pulled from their sources (memtables, SSTables), shadowed ones included, recorded as
    /// the read goes (every <see cref="Reads.ReadProgress.CheckInterval"/> rows): the work a read did, even one stopped.
    /// </summary>
    public void RecordPartitionRowsRead(long count)
    {
        if (count > 0) Interlocked.Add(ref _partitionRowsRead, count);
    }

    private long _partitionRowsRead;

    public long PartitionRowsRead => Interlocked.Read(ref _partitionRowsRead);

    public long Reads => Interlocked.Read(ref _reads);
    public long Writes => Interlocked.Read(ref _writes);
    public long Flushes => Interlocked.Read(ref _flushes);
    public long Compactions => Interlocked.Read(ref _compactions);

    public LatencySummary ReadLatency => Summarize(_readLatency);
    public LatencySummary WriteLatency => Summarize(_writeLatency);

    private static long Clamp(long micros) => Math.Clamp(micros, 1, 60_000_000);

    private static LatencySummary Summarize(LongConcurrentHistogram h)
    {
        var copy = h.Copy();
        return copy.TotalCount == 0
            ? new LatencySummary(0, 0, 0, 0, 0)
            : new LatencySummary(copy.TotalCount, copy.GetValueAtPercentile(50), copy.GetValueAtPercentile(95),
                copy.GetValueAtPercentile(99), copy.GetMaxValue());
    }
}
