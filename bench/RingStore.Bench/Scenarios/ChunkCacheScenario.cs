using System.Globalization;
using RingStore.Bench.Storage;
using RingStore.Core.Schema;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench chunk-cache [--rounds 5] [--chunk-kb 16] [--scale F]`: storage-compression's reads (point reads, full-partition
/// slices, ten-row slices of time-series rows) in one process against four stores opened side by side: RingStore
/// uncompressed, LZ4 without a chunk cache, LZ4 with the default chunk cache, RocksDB LZ4. The same seeded reads run
/// against each in turn, round after round with the order rotating, so load from other processes on a shared machine
/// falls on all four alike; the medians over rounds and their ratios are printed. No JSON: a before/after tool.
/// </summary>
internal static class ChunkCacheScenario
{
    public static int Run(string[] args)
    {
        var a = new Args(args);
        int rounds = a.GetInt("--rounds", 5);
        int chunkKb = a.GetInt("--chunk-kb", CompressionOptions.DefaultChunkLengthKb);
        var settings = StorageScenario.SettingsFrom(a) with { TimeSeriesValues = true };
        string work = a.Get("--dir") ?? Path.Combine(Path.GetTempPath(), $"ringstore-bench-chunk-cache-{Environment.ProcessId}");
        var lz4 = CompressionScenario.RingStoreCompression("lz4", chunkKb);
        var workload = new StorageWorkload(settings);
        var targets = new List<(string Name, IStorageTarget Target)>();
        try
        {
            targets.Add(("none", Written(new RingStoreTarget(Path.Combine(work, "none"), CompressionScenario.RingStoreCompression("none")), workload)));
            // The same LZ4 data twice: written once, copied, opened with and without a cache.
            string lz4Dir = Path.Combine(work, "lz4"), cachedDir = Path.Combine(work, "lz4-cache");
            Written(new RingStoreTarget(lz4Dir, lz4, chunkCacheMiB: 0), workload).Dispose();
            Copy(lz4Dir, cachedDir);
            targets.Add(("LZ4 no cache", new RingStoreTarget(lz4Dir, lz4, chunkCacheMiB: 0)));
            targets.Add(("LZ4 cache", new RingStoreTarget(cachedDir, lz4)));
            targets.Add(("RocksDB LZ4", Written(new RocksDbTarget(Path.Combine(work, "rocksdb"), "lz4"), workload)));

            var phases = new (string Name, Func<IStorageTarget, StorageWorkload.PhaseResult> Run)[]
            {
                ("c_point_reads", workload.PointReads), ("d_full_partition_slices", workload.FullSlices), ("e_ten_row_slices", workload.RangeSlices),
            };
            var results = phases.ToDictionary(p => p.Name, _ => targets.ToDictionary(t => t.Name, _ => new List<double>()));
            AnsiConsole.MarkupLine($"[bold]chunk-cache[/]: {settings.Partitions:N0} partitions x {settings.RowsPerPartition} rows, {chunkKb} KiB chunks, {rounds} rounds; load {File.ReadAllText("/proc/loadavg").Trim()}");
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < targets.Count; k++)
                {
                    var (name, target) = targets[(k + round) % targets.Count];
                    foreach (var (phase, run) in phases)
                    {
                        var r = run(target);
                        if (r.Checked != r.Operations) throw new InvalidOperationException($"{name} {phase}: {r.Operations - r.Checked} reads failed their check");
                        results[phase][name].Add(r.OpsPerSecond);
                    }
                }
                AnsiConsole.MarkupLine($"round {round + 1}: load {File.ReadAllText("/proc/loadavg").Trim()}");
            }

            var table = new Table().AddColumn("workload (median ops/s)");
            foreach (var (name, _) in targets) table.AddColumn(name);
            table.AddColumn("cache / no cache").AddColumn("cache / none").AddColumn("cache / RocksDB");
            foreach (var (phase, _) in phases)
            {
                var m = targets.ToDictionary(t => t.Name, t => Median(results[phase][t.Name]));
                table.AddRow([phase, .. targets.Select(t => m[t.Name].ToString("N0", CultureInfo.InvariantCulture)),
                    Ratio(m["LZ4 cache"], m["LZ4 no cache"]), Ratio(m["LZ4 cache"], m["none"]), Ratio(m["LZ4 cache"], m["RocksDB LZ4"])]);
                AnsiConsole.MarkupLine($"{phase} per round: " + string.Join(" / ", targets.Select(t =>
                    $"{t.Name} " + string.Join(" ", results[phase][t.Name].Select(v => v.ToString("N0", CultureInfo.InvariantCulture))))));
            }
            AnsiConsole.Write(table);
            return 0;
        }
        finally
        {
            foreach (var (_, target) in targets) target.Dispose();
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static IStorageTarget Written(IStorageTarget target, StorageWorkload workload)
    {
        workload.WriteBatches(target);
        target.FlushAndCompact();
        return target;
    }

    private static void Copy(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Ratio(double a, double b) => b > 0 ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "-";
}
