using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RingStore.Bench.Storage;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench storage [--json PATH] [--scale F] [--chunk-cache-mib N]`: the same workload against RingStore's engine and
/// RocksDB, each in a child process of this run (so each one's peak RSS is its own), printed side
/// by side with ratios (RingStore / RocksDB; above 1 means RingStore is faster).
/// </summary>
public static class StorageScenario
{
    public static StorageWorkload.Settings SettingsFrom(Args a)
    {
        double scale = a.Get("--scale") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 1.0;
        int Scaled(string name, int full) => a.GetInt(name, Math.Max(1, (int)(full * scale)));
        return new StorageWorkload.Settings(
            Scaled("--partitions", 10_000), a.GetInt("--rows", 100), a.GetInt("--value-bytes", 100),
            Scaled("--point-reads", 200_000), Scaled("--slices", 20_000), a.GetInt("--seed", 7), a.Has("--time-series-values"));
    }

    public static int Run(string[] args)
    {
        var a = new Args(args);
        string json = a.Get("--json") ?? Path.Combine("bench", "results", "storage", "storage.json");
        string work = a.Get("--dir") ?? Path.Combine(Path.GetTempPath(), $"ringstore-bench-{Environment.ProcessId}");
        var settings = SettingsFrom(a);
        AnsiConsole.MarkupLine($"[bold]storage[/]: {settings.Partitions:N0} partitions x {settings.RowsPerPartition} rows, " +
            $"{settings.ValueBytes}-byte values, {settings.PointReads:N0} point reads, {settings.Slices:N0} slices; {Environment.ProcessorCount} cores");

        var results = new Dictionary<string, StorageWorker.WorkerResult>();
        try
        {
            foreach (string target in new[] { "ringstore", "rocksdb" })
            {
                string dir = Path.Combine(work, target);
                Directory.CreateDirectory(dir);
                string output = Path.Combine(work, target + ".json");
                int code = RunWorker(["storage-worker", "--target", target, "--dir", dir, "--out", output, .. PassThrough(args)]);
                if (code != 0)
                {
                    AnsiConsole.MarkupLine($"[red]{target} worker failed with exit code {code}[/]");
                    return code;
                }
                results[target] = JsonSerializer.Deserialize<StorageWorker.WorkerResult>(File.ReadAllText(output))!;
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }

        var rs = results["ringstore"];
        var rocks = results["rocksdb"];
        var entries = rs.Phases.Zip(rocks.Phases, (r, k) => new
        {
            workload = r.Workload,
            ringstore_ops_per_sec = Math.Round(r.OpsPerSecond),
            rocksdb_ops_per_sec = Math.Round(k.OpsPerSecond),
            ratio = Math.Round(r.OpsPerSecond / k.OpsPerSecond, 3),
            ringstore_p99_us = r.P99Micros,
            rocksdb_p99_us = k.P99Micros,
            ringstore_checked = r.Checked,
            rocksdb_checked = k.Checked,
            operations = r.Operations,
        }).ToList();

        var table = new Table().AddColumns("workload", "RingStore ops/s", "RocksDB ops/s", "ratio", "RingStore p99 µs", "RocksDB p99 µs");
        foreach (var e in entries)
            table.AddRow(e.workload, e.ringstore_ops_per_sec.ToString("N0", CultureInfo.InvariantCulture), e.rocksdb_ops_per_sec.ToString("N0", CultureInfo.InvariantCulture),
                e.ratio.ToString("F2", CultureInfo.InvariantCulture), e.ringstore_p99_us.ToString("N0", CultureInfo.InvariantCulture), e.rocksdb_p99_us.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("f_peak_rss_mib", Mib(rs.PeakRssBytes), Mib(rocks.PeakRssBytes), "", "", "");
        table.AddRow("f_disk_mib", Mib(rs.DiskBytes), Mib(rocks.DiskBytes), "", "", "");
        AnsiConsole.Write(table);

        var document = new
        {
            scenario = "storage",
            date = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            settings,
            workloads = entries,
            peak_rss_bytes = new { ringstore = rs.PeakRssBytes, rocksdb = rocks.PeakRssBytes },
            disk_bytes = new { ringstore = rs.DiskBytes, rocksdb = rocks.DiskBytes },
            failed_requests = 0,
            lost_writes = entries.Where(e => e.workload.StartsWith("c_", StringComparison.Ordinal) || e.workload.StartsWith("d_", StringComparison.Ordinal))
                .Sum(e => e.operations - e.ringstore_checked),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        File.WriteAllText(json, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(json)}[/]");
        return 0;
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    internal static IEnumerable<string> PassThrough(string[] args)
    {
        foreach (string name in new[] { "--scale", "--partitions", "--rows", "--value-bytes", "--point-reads", "--slices", "--seed", "--chunk-cache-mib" })
        {
            int i = Array.IndexOf(args, name);
            if (i >= 0 && i + 1 < args.Length) { yield return name; yield return args[i + 1]; }
        }
    }

    internal static int RunWorker(string[] workerArgs)
    {
        string host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(StorageScenario).Assembly.Location);
        foreach (string arg in workerArgs) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
