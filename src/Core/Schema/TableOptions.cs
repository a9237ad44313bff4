namespace RingStore.Core.Schema;

/// <summary>Per-table options, named as in CQL's WITH clause.</summary>
public sealed record TableOptions
{
    public CompactionStrategyKind Compaction { get; init; } = CompactionStrategyKind.SizeTiered;

    /// <summary>Window size for time-window compaction (TWCS compaction_window_size).</summary>
    public TimeSpan CompactionWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Size-tiered: how many similar-sized SSTables trigger a compaction (min_threshold).</summary>
    public int CompactionMinThreshold { get; init; } = 4;

    /// <summary>Size-tiered: the most SSTables merged at once (max_threshold).</summary>
    public int CompactionMaxThreshold { get; init; } = 32;

    /// <summary>TTL applied to writes that do not carry one; 0 means none.</summary>
    public int DefaultTimeToLiveSeconds { get; init; }

    /// <summary>How long tombstones are kept before compaction may purge them (10 days by default, as Cassandra).</summary>
    public int GcGraceSeconds { get; init; } = 864_000;

    /// <summary>Target false-positive rate of the partition-key bloom filter.</summary>
    public double BloomFilterFpChance { get; init; } = 0.01;

    /// <summary>SSTable data-block compression (CQL <c>compression</c>); LZ4 with 16 KiB chunks unless set.</summary>
    public CompressionOptions Compression { get; init; } = CompressionOptions.Default;

    private readonly IndexList _indexes = IndexList.Empty;

    /// <summary>Local secondary indexes of the table (CREATE INDEX), in creation order; none by default. Compared by content (options are records).</summary>
    public IReadOnlyList<IndexDefinition> Indexes
    {
        get => _indexes;
        init => _indexes = new IndexList(value ?? []);
    }

    /// <summary>The index named <paramref name="name"/>, or null.</summary>
    public IndexDefinition? IndexNamed(string name) => Indexes.FirstOrDefault(i => i.Name == name);

    /// <summary>The first index on <paramref name="column"/>, or null.</summary>
    public IndexDefinition? IndexOn(string column) => Indexes.FirstOrDefault(i => i.Column == column);
}
