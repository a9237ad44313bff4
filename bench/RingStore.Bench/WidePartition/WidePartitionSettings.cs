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

    /// <summary>--cluster: node processes on 127.0.0.1 read through the SDK instead of the engine in this process.</summary>
    public bool Cluster { get; init; }

    public int Nodes { get; init; } = 3;

    public int ReplicationFactor { get; init; } = 3;

    /// <summary>Consistency of the measured reads in cluster mode (the load is written at ALL).</summary>
    public string Consistency { get; init; } = "QUORUM";

    /// <summary>Internode ports from here, gRPC ports from here + 100 (cluster mode).</summary>
    public int BasePort { get; init; } = 27900;

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
            Cluster = a.Has("--cluster"),
            Nodes = a.GetInt("--nodes", d.Nodes),
            ReplicationFactor = a.GetInt("--rf", d.ReplicationFactor),
            Consistency = a.Get("--consistency") ?? d.Consistency,
            BasePort = a.GetInt("--base-port", d.BasePort),
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
        if (Nodes < 1) throw new ArgumentException("--nodes must be positive");
        if (ReplicationFactor < 1 || ReplicationFactor > Nodes) throw new ArgumentException("--rf must be in [1, --nodes]");
        if (BasePort < 1024 || BasePort > 65_000) throw new ArgumentException("--base-port must be in [1024, 65000]");
        _ = RingStore.Bench.Cluster.ClusterBenchSettings.ToProto(Consistency); // throws ArgumentException on an unknown level
    }
}
