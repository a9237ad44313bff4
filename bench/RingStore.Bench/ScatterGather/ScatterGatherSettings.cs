namespace RingStore.Bench.ScatterGather;

/// <summary>Options of `bench scatter-gather` (see <see cref="Scenarios.ScatterGatherScenario"/>).</summary>
public sealed record ScatterGatherSettings
{
    public int Nodes { get; init; } = 3;
    public int ReplicationFactor { get; init; } = 3;
    public int Rows { get; init; } = 100_000;
    public int RowsPerPartition { get; init; } = 20;
    public int Repeats { get; init; } = 2;
    public int ScanSamples { get; init; } = 20;
    public int BasePort { get; init; } = 28100;
    /// <summary>both (default), parallel or sequential: which paths to measure.</summary>
    public string Mode { get; init; } = "both";
    public string? Directory { get; init; }
    public bool Keep { get; init; }

    public static ScatterGatherSettings Parse(Args a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new ScatterGatherSettings();
        var s = new ScatterGatherSettings
        {
            Nodes = a.GetInt("--nodes", d.Nodes),
            ReplicationFactor = a.GetInt("--rf", d.ReplicationFactor),
            Rows = a.GetInt("--rows", d.Rows),
            RowsPerPartition = a.GetInt("--rows-per-partition", d.RowsPerPartition),
            Repeats = a.GetInt("--repeats", d.Repeats),
            ScanSamples = a.GetInt("--scan-samples", d.ScanSamples),
            BasePort = a.GetInt("--base-port", d.BasePort),
            Mode = a.Get("--mode") ?? d.Mode,
            Directory = a.Get("--dir"),
            Keep = a.Has("--keep"),
        };
        if (s.Nodes < 2) throw new ArgumentException("--nodes must be at least 2 (one is paused)");
        if (s.ReplicationFactor < 1 || s.ReplicationFactor > s.Nodes) throw new ArgumentException("--rf must be between 1 and --nodes");
        if (s.Rows < 1 || s.RowsPerPartition < 1 || s.Repeats < 1 || s.ScanSamples < 1) throw new ArgumentException("--rows, --rows-per-partition, --repeats and --scan-samples must be positive");
        if (s.Mode is not ("both" or "parallel" or "sequential")) throw new ArgumentException("--mode is both, parallel or sequential");
        return s;
    }
}
