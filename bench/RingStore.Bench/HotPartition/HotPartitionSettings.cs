using System.Globalization;

namespace RingStore.Bench.HotPartition;

/// <summary>
/// `bench hot-partition` options. Default 5 nodes: with RF 3 on 3 nodes every node replicates every partition, so
/// replica load cannot be skewed there (only coordinator choice can); 5 nodes show a hot key's replicas working harder.
/// </summary>
public sealed record HotPartitionSettings
{
    public int Nodes { get; init; } = 5;
    public int ReplicationFactor { get; init; } = 3;
    public IReadOnlyList<double> Exponents { get; init; } = [0.8, 1.0, 1.2];
    public int DurationSeconds { get; init; } = 20;
    public int SaltCount { get; init; } = 8;
    /// <summary>How many of the hottest ids (as the cluster's top-partitions sketches report them) the mitigation salts.</summary>
    public int HotKeys { get; init; } = 5;
    public int Ids { get; init; } = 10_000;
    public int Concurrency { get; init; } = 32;
    public double ReadFraction { get; init; } = 0.5;
    public int ValueBytes { get; init; } = 100;
    public string Consistency { get; init; } = "QUORUM";
    public int BasePort { get; init; } = 27500;
    public int Seed { get; init; } = 5;
    public string OutputDirectory { get; init; } = "bench/results/hot-partition";

    public static HotPartitionSettings Parse(Args a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = new HotPartitionSettings();
        var s = new HotPartitionSettings
        {
            Nodes = a.GetInt("--nodes", d.Nodes),
            ReplicationFactor = a.GetInt("--rf", d.ReplicationFactor),
            Exponents = a.Get("--exponents") is { } e ? [.. e.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))] : d.Exponents,
            DurationSeconds = a.GetInt("--duration", d.DurationSeconds),
            SaltCount = a.GetInt("--salt", d.SaltCount),
            HotKeys = a.GetInt("--hot-keys", d.HotKeys),
            Ids = a.GetInt("--ids", d.Ids),
            Concurrency = a.GetInt("--concurrency", d.Concurrency),
            ReadFraction = a.Get("--read-fraction") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : d.ReadFraction,
            ValueBytes = a.GetInt("--value-bytes", d.ValueBytes),
            Consistency = (a.Get("--consistency") ?? d.Consistency).ToUpperInvariant(),
            BasePort = a.GetInt("--base-port", d.BasePort),
            Seed = a.GetInt("--seed", d.Seed),
            OutputDirectory = a.Get("--out") ?? d.OutputDirectory,
        };
        if (s.Nodes < 1 || s.ReplicationFactor < 1 || s.ReplicationFactor > s.Nodes) throw new ArgumentException("--rf must be 1..--nodes");
        if (s.Exponents.Count == 0 || s.Exponents.Any(x => x < 0)) throw new ArgumentException("--exponents needs non-negative numbers");
        if (s.DurationSeconds < 1 || s.SaltCount < 1 || s.HotKeys < 0 || s.Ids < 1 || s.Concurrency < 1 || s.ValueBytes < 8)
            throw new ArgumentException("--duration, --salt, --ids, --concurrency must be positive, --value-bytes at least 8");
        _ = Cluster.ClusterBenchSettings.ToProto(s.Consistency);
        return s;
    }
}
