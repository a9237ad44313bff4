using System.Globalization;
using RingStore.Bench.Cluster;
using RingStore.Bench.FailureInjection;
using RingStore.Bench.Measurement;
using RingStore.Bench.Reports;
using RingStore.Bench.WidePartition;
using RingStore.Client;
using RingStore.LocalCluster;

namespace RingStore.Bench.Scenarios;

/// <summary>`bench wide-partition --cluster`: starts the nodes, runs <see cref="WidePartitionClusterRunner"/>, prints the tables.</summary>
public static class WidePartitionClusterScenario
{
    public static async Task<int> RunAsync(WidePartitionSettings s, RunInfo run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(run);
        PortCheck.EnsureFree("127.0.0.1", Enumerable.Range(0, s.Nodes).SelectMany(i => new[] { s.BasePort + i, s.BasePort + 100 + i }));
        string dataRoot = s.Directory ?? Path.Combine(Path.GetTempPath(), $"ringstore-bench-widecluster-{Environment.ProcessId}");
        using IBenchCluster cluster = new LocalBenchCluster(new LocalClusterOptions
        {
            Nodes = s.Nodes,
            InternodeBasePort = s.BasePort,
            GrpcBasePort = s.BasePort + 100,
            DataRoot = dataRoot,
            ClusterName = "benchwide",
        });
        var probes = cluster.GrpcEndpoints.Select(e => new NodeProbe(e)).ToList();
        try
        {
            await cluster.StartAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
            Console.WriteLine(cluster.ToString());
            await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
            {
                ContactPoints = cluster.GrpcEndpoints,
                DefaultConsistency = ClusterBenchSettings.ToProto(s.Consistency),
                RequestTimeout = TimeSpan.FromSeconds(30),
            }, ct).ConfigureAwait(false);
            var r = await new WidePartitionClusterRunner(s, client, probes, cluster.Pid).RunAsync(ct).ConfigureAwait(false);
            run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();
            Print(s, run, r);
            return 0;
        }
        finally
        {
            foreach (var p in probes) p.Dispose();
            await cluster.StopAllAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (!s.Keep && System.IO.Directory.Exists(dataRoot)) System.IO.Directory.Delete(dataRoot, recursive: true);
        }
    }

    private static void Print(WidePartitionSettings s, RunInfo run, WidePartitionClusterRunner.Result r)
    {
        Console.WriteLine($"{run.Date}  {run.Machine}  load {run.LoadAverageAtStart:F1} -> {run.LoadAverageAtEnd:F1}");
        Console.WriteLine(run.Command);
        Console.WriteLine(I($"{s.Nodes} nodes, RF {s.ReplicationFactor}, reads at {s.Consistency}; loaded {s.Rows:N0} + {s.SmallRows:N0} rows of {s.ValueBytes} B at ALL in {r.LoadSeconds:F1} s"));
        Console.WriteLine("| wide slice p50 / p99 ms | small slice p50 / p99 ms | paged read rows/s | COUNT rows/s | IN (" + s.InValues.ToString(CultureInfo.InvariantCulture) + ") p50 ms | LIMIT 10 scan p50 / p99 ms | LIMIT 10 from the wide partition's token p50 / p99 ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(I($"| {r.WideSliceP50Ms:F2} / {r.WideSliceP99Ms:F2} | {r.SmallSliceP50Ms:F2} / {r.SmallSliceP99Ms:F2} | {r.PagedRowsPerSecond:N0} | {r.CountRowsPerSecond:N0} | {r.InP50Ms:F1} | {r.Limit10P50Ms:F2} / {r.Limit10P99Ms:F2} | {r.Limit10AtWideP50Ms:F2} / {r.Limit10AtWideP99Ms:F2} |"));
        Console.WriteLine();
        Console.WriteLine("Resident-set growth per phase (peak minus before), MiB, RssAnon / VmRSS, per node:");
        Console.WriteLine("| phase | " + string.Join(" | ", Enumerable.Range(0, s.Nodes).Select(i => $"node{i}")) + " |");
        Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", s.Nodes)));
        foreach (var phase in r.Growth.GroupBy(g => g.Phase))
            Console.WriteLine($"| {phase.Key} | " + string.Join(" | ", phase.OrderBy(g => g.Node).Select(g => I($"{g.RssAnonBytes >> 20} / {g.VmRssBytes >> 20}"))) + " |");
        Console.WriteLine(I($"peak growth over all phases and nodes: RssAnon {r.Growth.Max(g => g.RssAnonBytes) >> 20} MiB, VmRSS {r.Growth.Max(g => g.VmRssBytes) >> 20} MiB"));
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
