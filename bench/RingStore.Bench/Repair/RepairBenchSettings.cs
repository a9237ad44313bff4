using System.Globalization;

namespace RingStore.Bench.Repair;

/// <summary>Options of `bench repair`.</summary>
public sealed record RepairBenchSettings
{
    public int DataMiB { get; init; } = 1024;
    public int ValueBytes { get; init; } = 1024;
    public int RowsPerPartition { get; init; } = 100;
    public IReadOnlyList<double> Fractions { get; init; } = [0, 0.001, 0.01, 0.1];
    public int BasePort { get; init; } = 19600;
    public int LoadConcurrency { get; init; } = 8;
    public string JsonPath { get; init; } = "bench/results/repair/repair.json";
    public string? PlotsDirectory { get; init; }
    public bool Keep { get; init; }
    public int Seed { get; init; } = 12;

    public string EffectivePlotsDirectory => PlotsDirectory ?? Path.GetDirectoryName(Path.GetFullPath(JsonPath)) ?? ".";

    public long Rows => (long)DataMiB * 1024 * 1024 / ValueBytes;

    public long Partitions => (Rows + RowsPerPartition - 1) / RowsPerPartition;

    public static RepairBenchSettings Parse(Args args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var s = new RepairBenchSettings
        {
            DataMiB = args.GetInt("--data-mib", 1024),
            ValueBytes = args.GetInt("--value-bytes", 1024),
            BasePort = args.GetInt("--base-port", 19600),
            JsonPath = args.Get("--json") ?? "bench/results/repair/repair.json",
            PlotsDirectory = args.Get("--plots"),
            Keep = args.Has("--keep"),
        };
        if (args.Get("--fractions") is { } f)
            s = s with { Fractions = [.. f.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))] };
        if (s.DataMiB < 1) throw new ArgumentException("--data-mib must be at least 1");
        if (s.ValueBytes < 32) throw new ArgumentException("--value-bytes must be at least 32");
        if (s.Fractions.Any(x => x < 0 || x > 1)) throw new ArgumentException("--fractions must be between 0 and 1");
        return s;
    }
}
