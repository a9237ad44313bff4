using System.Globalization;
using RingStore.Bench.Measurement;
using RingStore.Bench.Reports;
using RingStore.Bench.WidePartition;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench wide-partition [--rows 1000000] [--small-rows 1000] [--value-bytes 16] [--slice-rows 100] [--samples 300]
/// [--in-values 1000] [--page-size 5000] [--dir D] [--keep]`: the storage engine in this process (not a node cluster),
/// one partition of --rows rows and one of --small-rows; middle-slice latency of each, full paged read and COUNT-style
/// paging in rows/s, IN with --in-values clustering values, and this process's peak RSS growth while reading;
/// measured with the rows in the memtable and again after a flush.
/// With --cluster [--nodes 3] [--rf 3] [--consistency QUORUM] [--base-port 27900]: the same partitions in node processes
/// on 127.0.0.1, written at ALL, flushed and major-compacted, then read through the SDK (see WidePartitionClusterRunner),
/// with a LIMIT 10 range scan and each node's resident-set growth per phase.
/// </summary>
public static class WidePartitionScenario
{
    public static int Run(string[] args)
    {
        var settings = WidePartitionSettings.Parse(new Args(args));
        var run = RunInfo.Now("wide-partition", args);
        if (settings.Cluster) return ScenarioRuntime.Run(ct => WidePartitionClusterScenario.RunAsync(settings, run, ct));
        string dir = settings.Directory ?? Path.Combine(Path.GetTempPath(), $"ringstore-bench-wide-{Environment.ProcessId}");
        try
        {
            var results = new WidePartitionRunner(settings, dir).Run();
            run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();
            Console.WriteLine($"{run.Date}  {run.Machine}  load {run.LoadAverageAtStart:F1} -> {run.LoadAverageAtEnd:F1}");
            Console.WriteLine(run.Command);
            Console.WriteLine("| rows in | wide slice p50 / p99 ms | small slice p50 / p99 ms | paged read rows/s | COUNT rows/s | IN per value ms | IN multi-slice ms | peak RSS growth MiB |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in results)
            {
                string multi = r.InMultiSliceMs is { } m ? m.ToString("F1", CultureInfo.InvariantCulture) : "n/a";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Where} | {r.WideSliceP50Ms:F3} / {r.WideSliceP99Ms:F3} | {r.SmallSliceP50Ms:F3} / {r.SmallSliceP99Ms:F3} | {r.PagedRowsPerSecond:N0} | {r.CountRowsPerSecond:N0} | {r.InPerValueMs:F1} | {multi} | {r.PeakRssGrowthBytes / (1024.0 * 1024):F0} |"));
            }
            return 0;
        }
        finally
        {
            if (!settings.Keep && settings.Directory is null && System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true);
        }
    }
}
