namespace RingStore.Bench.WidePartition;

/// <summary>
/// `bench wide-partition` options. Defaults from issue 22: a 1M-row partition, a middle 100-row slice compared
/// with a slice of a small partition, a full paged read and COUNT(*) in pages of 5,000 (the node's COUNT page),
/// and IN with 1,000 clustering values.
/// </summary>
public sealed record WidePartitionSettings
{
    public int Rows { get; init; } = 1_000_000;
    public int SmallRows { get; init; } = 1_000;
    public int ValueBytes { get; init; } = 16;
    public int SliceRows { get; init; } = 100;
    public int Samples { get; init; } = 300;
    public int InValues { get; init; } = 1_000;
    public int PageSize { get; init; } = 5_000;

    /// <summary>Where the engine's files go; default: a fresh directory under the temp path, removed at the end.</summary>
    public string? Directory { get; init; }

    public bool Keep { get; init; }

    public static WidePartitionSettings Parse(Args a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new WidePartitionSettings();
        var s = new WidePartitionSettings
        {
            Rows = a.GetInt("--rows", d.Rows),
            SmallRows = a.GetInt("--small-rows", d.SmallRows),
            ValueBytes = a.GetInt("--value-bytes", d.ValueBytes),
            SliceRows = a.GetInt("--slice-rows", d.SliceRows),
            Samples = a.GetInt("--samples", d.Samples),
            InValues = a.GetInt("--in-values", d.InValues),
            PageSize = a.GetInt("--page-size", d.PageSize),
            Directory = a.Get("--dir"),
            Keep = a.Has("--keep"),
        };
        s.Validate();
        return s;
    }

    public void Validate()
    {
        if (Rows < 1000) throw new ArgumentException("--rows must be at least 1000");
        if (SmallRows < 1) throw new ArgumentException("--small-rows must be positive");
        if (SliceRows < 1 || SliceRows > SmallRows || SliceRows > Rows) throw new ArgumentException("--slice-rows must be positive and fit in both partitions");
        if (ValueBytes < 1) throw new ArgumentException("--value-bytes must be positive");
        if (Samples < 10) throw new ArgumentException("--samples must be at least 10");
        if (InValues < 1 || InValues > Rows) throw new ArgumentException("--in-values must be in [1, --rows]");
        if (PageSize < 1) throw new ArgumentException("--page-size must be positive");
    }
}
