using System.Globalization;

namespace RingStore.Bench.ScaleOut;

/// <summary>
/// `bench scale-out` options. Defaults from the issue: 2 GiB loaded into 3 nodes (RF 3), the nodes' default stream
/// throttle (64 MiB/s), a paced QUORUM load at half the measured peak while a fourth node joins and an original
/// node is decommissioned.
/// </summary>
public sealed record ScaleOutSettings
{
    public const string DefaultJsonPath = "bench/results/scale-out/scale-out.json";

    /// <summary>The nodes' own default (--stream-mib-per-sec of RingStore.Node).</summary>
    public const int NodeDefaultStreamMiBPerSecond = 64;

    public const int InitialNodes = 3;
    public const int ReplicationFactor = 3;

    /// <summary>MiB of row values loaded before the load starts (logical data: each replica holds a copy).</summary>
    public int DataMiB { get; init; } = 2048;

    /// <summary>Passed to every node as --stream-mib-per-sec; 0 = unlimited.</summary>
    public int StreamMiBPerSecond { get; init; } = NodeDefaultStreamMiBPerSecond;

    /// <summary>Seconds of steady load before the join, and again after the decommission.</summary>
    public int DurationSeconds { get; init; } = 30;

    /// <summary>Seconds between the new node turning NORMAL and the decommission.</summary>
    public int SettleSeconds { get; init; } = 10;

    /// <summary>Requests per second of the paced load; 0 = half the peak measured by a short closed-loop run first.</summary>
    public double Rate { get; init; }

    public int PeakSeconds { get; init; } = 10;

    /// <summary>Loops of the peak measurement and the paced load's cap on requests in flight.</summary>
    public int Concurrency { get; init; } = 256;

    public double ReadFraction { get; init; } = 0.5;
    public int Ids { get; init; } = 1000;

    /// <summary>Value size of the paced load's writes.</summary>
    public int ValueBytes { get; init; } = 100;

    /// <summary>Value size and partition size of the bulk-loaded rows (1 KiB x 256 = 256 KiB partitions).</summary>
    public int LoadValueBytes { get; init; } = 1024;
    public int RowsPerPartition { get; init; } = 256;
    public int RowsPerMutation { get; init; } = 64;
    public int LoadConcurrency { get; init; } = 16;

    /// <summary>Bounds on the join (start to NORMAL) and the decommission RPC.</summary>
    public int JoinTimeoutSeconds { get; init; } = 1800;
    public int DecommissionTimeoutSeconds { get; init; } = 1800;

    /// <summary>Internode ports BasePort + i, gRPC ports BasePort + 100 + i (i = 0..3): no other bench or test uses 27700-27803.</summary>
    public int BasePort { get; init; } = 27700;

    public string JsonPath { get; init; } = DefaultJsonPath;

    /// <summary>Directory of the PNG plots; default: the JSON file's directory.</summary>
    public string? PlotsDirectory { get; init; }

    public bool Keep { get; init; }
    public int Seed { get; init; } = 13;

    public string EffectivePlotsDirectory => PlotsDirectory ?? Path.GetDirectoryName(Path.GetFullPath(JsonPath)) ?? ".";

    /// <summary>Bytes of values to load, and the partitions that takes (the last one may be partial).</summary>
    public long DataBytes => DataMiB * 1024L * 1024L;

    public long LoadRows => (DataBytes + LoadValueBytes - 1) / LoadValueBytes;

    public long LoadPartitions => (LoadRows + RowsPerPartition - 1) / RowsPerPartition;

    public static ScaleOutSettings Parse(Args a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new ScaleOutSettings();
        var s = new ScaleOutSettings
        {
            DataMiB = a.GetInt("--data-mib", d.DataMiB),
            StreamMiBPerSecond = a.GetInt("--stream-mib-per-sec", d.StreamMiBPerSecond),
            DurationSeconds = a.GetInt("--duration", d.DurationSeconds),
            SettleSeconds = a.GetInt("--settle", d.SettleSeconds),
            Rate = a.Get("--rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : d.Rate,
            PeakSeconds = a.GetInt("--peak-seconds", d.PeakSeconds),
            Concurrency = a.GetInt("--concurrency", d.Concurrency),
            ReadFraction = a.Get("--read-fraction") is { } f ? double.Parse(f, CultureInfo.InvariantCulture) : d.ReadFraction,
            Ids = a.GetInt("--ids", d.Ids),
            ValueBytes = a.GetInt("--value-bytes", d.ValueBytes),
            LoadValueBytes = a.GetInt("--load-value-bytes", d.LoadValueBytes),
            RowsPerPartition = a.GetInt("--rows-per-partition", d.RowsPerPartition),
            LoadConcurrency = a.GetInt("--load-concurrency", d.LoadConcurrency),
            JoinTimeoutSeconds = a.GetInt("--join-timeout", d.JoinTimeoutSeconds),
            DecommissionTimeoutSeconds = a.GetInt("--decommission-timeout", d.DecommissionTimeoutSeconds),
            BasePort = a.GetInt("--base-port", d.BasePort),
            JsonPath = a.Get("--json") ?? d.JsonPath,
            PlotsDirectory = a.Get("--plots"),
            Keep = a.Has("--keep"),
            Seed = a.GetInt("--seed", d.Seed),
        };
        s.Validate();
        return s;
    }

    public void Validate()
    {
        if (DataMiB < 1) throw new ArgumentException("--data-mib must be at least 1");
        if (StreamMiBPerSecond < 0) throw new ArgumentException("--stream-mib-per-sec must not be negative (0 = unlimited)");
        if (DurationSeconds < 5) throw new ArgumentException("--duration must be at least 5 seconds");
        if (SettleSeconds < 0) throw new ArgumentException("--settle must not be negative");
        if (Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate)) throw new ArgumentException("--rate must be a positive number (0 = half the measured peak)");
        if (Rate == 0 && PeakSeconds < 3) throw new ArgumentException("--peak-seconds must be at least 3 when --rate is not given");
        if (Concurrency < 1 || LoadConcurrency < 1) throw new ArgumentException("--concurrency and --load-concurrency must be positive");
        if (ReadFraction is < 0 or > 1 || double.IsNaN(ReadFraction)) throw new ArgumentException("--read-fraction must be in [0, 1]");
        if (Ids < 1) throw new ArgumentException("--ids must be positive");
        if (ValueBytes < 8 || LoadValueBytes < 8) throw new ArgumentException("--value-bytes and --load-value-bytes must be at least 8");
        if (RowsPerPartition < 1) throw new ArgumentException("--rows-per-partition must be positive");
        if ((long)RowsPerPartition * LoadValueBytes > 16L * 1024 * 1024) throw new ArgumentException("--rows-per-partition x --load-value-bytes must stay under 16 MiB per partition");
        if (JoinTimeoutSeconds < 10 || DecommissionTimeoutSeconds < 10) throw new ArgumentException("--join-timeout and --decommission-timeout must be at least 10 seconds");
        if (BasePort < 1024 || BasePort + 100 + InitialNodes + 1 > 65535) throw new ArgumentException("--base-port leaves no room for the nodes' ports");
    }
}
