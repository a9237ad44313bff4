using System.Globalization;
using System.Text.Json;
using RingStore.Bench.Storage;
using RingStore.Core.Schema;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench storage-compression [--rounds 3] [--chunk-kb 16] [--chunk-cache-mib N] [--json PATH] [--scale F]`: the storage workload's batch writes, point
/// reads and slices on time-series values (one JSON sensor reading per row, <see cref="StorageWorkload.TimeSeriesValue"/>)
/// with RingStore's SSTables uncompressed, LZ4 and Zstd, and RocksDB with LZ4, each in a child process, in one run.
/// The machine is shared, so the four configurations are alternated round after round (the order rotates each round)
/// and medians are reported. Ratios: each compression against RingStore uncompressed (size, throughput), and RingStore
/// LZ4 against RocksDB LZ4.
/// </summary>
public static class CompressionScenario
{
    private static readonly (string Name, string Target, string Compression)[] Configurations =
    [
        ("ringstore-none", "ringstore", "none"),
        ("ringstore-lz4", "ringstore", "lz4"),
        ("ringstore-zstd", "ringstore", "zstd"),
        ("rocksdb-lz4", "rocksdb", "lz4"),
    ];

    /// <summary>The worker's --compression for RingStore (none/lz4/zstd, --chunk-kb or 16 KiB chunks); null: the table default.</summary>
    public static CompressionOptions? RingStoreCompression(string? name, int chunkKb = CompressionOptions.DefaultChunkLengthKb) => name switch
    {
        null => null,
        "none" => CompressionOptions.Disabled,
        "lz4" => new CompressionOptions { Algorithm = CompressionAlgorithm.Lz4, ChunkLengthKb = chunkKb },
        "zstd" => new CompressionOptions { Algorithm = CompressionAlgorithm.Zstd, ChunkLengthKb = chunkKb },
        _ => throw new ArgumentException($"unknown compression '{name}' (none, lz4, zstd)"),
    };

    public static int Run(string[] args)
    {
        var a = new Args(args);
        int rounds = a.GetInt("--rounds", 3);
        int chunkKb = a.GetInt("--chunk-kb", CompressionOptions.DefaultChunkLengthKb);
        string json = a.Get("--json") ?? Path.Combine("bench", "results", "storage", "compression.json");
        string work = a.Get("--dir") ?? Path.Combine(Path.GetTempPath(), $"ringstore-bench-compression-{Environment.ProcessId}");
        var settings = StorageScenario.SettingsFrom(a) with { TimeSeriesValues = true };
        AnsiConsole.MarkupLine($"[bold]storage-compression[/]: {settings.Partitions:N0} partitions x {settings.RowsPerPartition} rows of time-series JSON, " +
            $"{settings.PointReads:N0} point reads, {settings.Slices:N0} slices; {rounds} alternated rounds; {Environment.ProcessorCount} cores");

        var runs = Configurations.ToDictionary(c => c.Name, _ => new List<StorageWorker.WorkerResult>());
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < Configurations.Length; k++)
                {
                    var (name, target, compression) = Configurations[(k + round) % Configurations.Length];
                    string dir = Path.Combine(work, $"{name}-{round}");
                    Directory.CreateDirectory(dir);
                    string output = Path.Combine(work, $"{name}-{round}.json");
                    int code = StorageScenario.RunWorker(["storage-worker", "--target", target, "--compression", compression, "--dir", dir,
                        "--out", output, "--no-single-writes", "--time-series-values", "--chunk-kb", chunkKb.ToString(CultureInfo.InvariantCulture),
                        .. StorageScenario.PassThrough(args)]);
                    if (code != 0)
                    {
                        AnsiConsole.MarkupLine($"[red]{name} worker failed with exit code {code}[/]");
                        return code;
                    }
                    runs[name].Add(JsonSerializer.Deserialize<StorageWorker.WorkerResult>(File.ReadAllText(output))!);
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }

        var workloads = runs["ringstore-none"][0].Phases.Select(p => p.Workload).ToList();
        double Median(string config, string workload) => MedianOf(runs[config].Select(r => r.Phases.Single(p => p.Workload == workload).OpsPerSecond));
        long Bytes(string config) => (long)MedianOf(runs[config].Select(r => (double)r.TableFileBytes));

        var table = new Table().AddColumns("workload", "none ops/s", "LZ4 ops/s", "Zstd ops/s", "RocksDB LZ4 ops/s", "LZ4/none", "Zstd/none", "LZ4 vs RocksDB LZ4");
        var rows = new List<object>();
        foreach (string w in workloads)
        {
            double none = Median("ringstore-none", w), lz4 = Median("ringstore-lz4", w), zstd = Median("ringstore-zstd", w), rocks = Median("rocksdb-lz4", w);
            table.AddRow(w, N(none), N(lz4), N(zstd), N(rocks), F(lz4 / none), F(zstd / none), F(lz4 / rocks));
            rows.Add(new
            {
                workload = w, none_ops_per_sec = Math.Round(none), lz4_ops_per_sec = Math.Round(lz4), zstd_ops_per_sec = Math.Round(zstd),
                rocksdb_lz4_ops_per_sec = Math.Round(rocks), lz4_vs_none = Math.Round(lz4 / none, 3), zstd_vs_none = Math.Round(zstd / none, 3),
                lz4_vs_rocksdb_lz4 = Math.Round(lz4 / rocks, 3),
                per_round = Configurations.ToDictionary(c => c.Name, c => runs[c.Name].Select(r => Math.Round(r.Phases.Single(p => p.Workload == w).OpsPerSecond)).ToArray()),
            });
        }
        long noneBytes = Bytes("ringstore-none");
        table.AddRow("table file MiB", Mib(noneBytes), Mib(Bytes("ringstore-lz4")), Mib(Bytes("ringstore-zstd")), Mib(Bytes("rocksdb-lz4")),
            F((double)noneBytes / Bytes("ringstore-lz4")) + "x smaller", F((double)noneBytes / Bytes("ringstore-zstd")) + "x smaller", "");
        AnsiConsole.Write(table);

        var document = new
        {
            scenario = "storage-compression",
            date = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            rounds,
            chunk_length_in_kb = chunkKb,
            settings,
            workloads = rows,
            table_file_bytes = Configurations.ToDictionary(c => c.Name, c => Bytes(c.Name)),
            disk_bytes = Configurations.ToDictionary(c => c.Name, c => (long)MedianOf(runs[c.Name].Select(r => (double)r.DiskBytes))),
            peak_rss_bytes = Configurations.ToDictionary(c => c.Name, c => (long)MedianOf(runs[c.Name].Select(r => (double)r.PeakRssBytes))),
            lost_writes = runs.Values.SelectMany(r => r).SelectMany(r => r.Phases).Where(p => !p.Workload.StartsWith("b_", StringComparison.Ordinal))
                .Sum(p => p.Operations - p.Checked),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(json)}[/]");
        return 0;
    }

    private static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
