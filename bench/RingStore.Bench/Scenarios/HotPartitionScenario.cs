using System.Globalization;
using RingStore.Bench.FailureInjection;
using RingStore.Bench.HotPartition;
using RingStore.Bench.Load;
using RingStore.Bench.Measurement;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using RingStore.Bench.Workloads;
using RingStore.Client;
using RingStore.LocalCluster;
using Spectre.Console;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench hot-partition [--nodes 5] [--exponents 0.8,1.0,1.2] [--duration 20] [--salt 8] [--hot-keys 5]`: for each
/// Zipf exponent, a run of time-series load over (id, time_bucket) partitions through the SDK, then the same load
/// with the hottest ids (as the nodes' top-partition sketches report them) salted into N sub-partitions; per-node
/// coordinator and replica requests, CPU and p99, their skew (max/avg) before and after, and a QUORUM read-back.
/// </summary>
public static class HotPartitionScenario
{
    public static int Run(string[] args)
    {
        var settings = HotPartitionSettings.Parse(new Args(args));
        var run = RunInfo.Now("hot-partition", args);
        return ScenarioRuntime.Run(ct => RunAsync(settings, run, ct));
    }

    private static async Task<int> RunAsync(HotPartitionSettings s, RunInfo run, CancellationToken ct)
    {
        string dataRoot = Path.Combine(Path.GetTempPath(), $"ringstore-bench-hot-{Environment.ProcessId}");
        using IBenchCluster cluster = new LocalBenchCluster(new LocalClusterOptions
        {
            Nodes = s.Nodes,
            InternodeBasePort = s.BasePort,
            GrpcBasePort = s.BasePort + 100,
            DataRoot = dataRoot,
            ClusterName = "benchhot",
        });
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"hot-partition: {s.Nodes} nodes, RF {s.ReplicationFactor}, {s.Consistency}, exponents {string.Join(',', s.Exponents)}, {s.DurationSeconds} s per run, salt {s.SaltCount} for the {s.HotKeys} hottest ids; load avg {run.LoadAverageAtStart:0.0}")));
        var probes = cluster.GrpcEndpoints.Select(e => new NodeProbe(e)).ToList();
        try
        {
            await cluster.StartAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
            AnsiConsole.WriteLine(cluster.ToString() ?? "");
            await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
            {
                ContactPoints = cluster.GrpcEndpoints,
                DefaultConsistency = Cluster.ClusterBenchSettings.ToProto(s.Consistency),
                RequestTimeout = TimeSpan.FromSeconds(5),
            }, ct).ConfigureAwait(false);
            await WarmUpAsync(client, probes, s, ct).ConfigureAwait(false);

            var runner = new HotPartitionRunner(s, client, probes, cluster.Pid);
            var runs = new List<HotPartitionRun>();
            var comparison = new List<SkewComparison>();
            var events = new List<PlotEvent>();
            double offset = 0;
            foreach (double exponent in s.Exponents)
            {
                events.Add(new PlotEvent(offset, I($"e={exponent:0.0} base")));
                var plain = await runner.RunAsync(exponent, [], offset, ct).ConfigureAwait(false);
                offset += s.DurationSeconds;
                var hot = TopPartitionsView.HottestIds(plain.TopPartitionsCluster, s.HotKeys);
                AnsiConsole.MarkupLine(Markup.Escape($"hottest ids as the cluster sees them: {string.Join(", ", hot)}"));
                events.Add(new PlotEvent(offset, I($"e={exponent:0.0} salted")));
                var salted = await runner.RunAsync(exponent, hot, offset, ct).ConfigureAwait(false);
                offset += s.DurationSeconds;
                runs.Add(plain);
                runs.Add(salted);
                comparison.Add(new SkewComparison(exponent, plain.Skew, salted.Skew, plain.OpsPerSec, salted.OpsPerSec, plain.P99Ms, salted.P99Ms));
            }
            run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();
            var result = new HotPartitionResult
            {
                FailedRequests = runs.Sum(r => r.FailedRequests),
                LostWrites = runs.Sum(r => r.MissingWrites),
                Run = run,
                Nodes = s.Nodes,
                Rf = s.ReplicationFactor,
                Consistency = s.Consistency,
                Concurrency = s.Concurrency,
                Ids = s.Ids,
                ReadFraction = s.ReadFraction,
                SaltCount = s.SaltCount,
                HotKeys = s.HotKeys,
                DurationS = s.DurationSeconds,
                Runs = runs,
                Comparison = comparison,
                Events = events,
            };
            HotPartitionReport.Write(s.OutputDirectory, result);
            HotPartitionReport.PrintSummary(result);
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(s.OutputDirectory)}[/]: hot-partition.json, throughput.png, latency.png, skew-*.png, report.md");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or Grpc.Core.RpcException or RingStoreException)
        {
            AnsiConsole.MarkupLine($"[red]hot-partition failed:[/] {Markup.Escape(e.Message)}");
            for (int i = 0; i < cluster.Count; i++) AnsiConsole.WriteLine($"--- node{i} log tail:{Environment.NewLine}{cluster.LogTail(i, 8)}");
            return 1;
        }
        finally
        {
            foreach (var p in probes) p.Dispose();
            await cluster.StopAllAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            try { Directory.Delete(dataRoot, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>Uniform writes for a few seconds so the first measured run does not pay for JIT compilation and connection set-up.</summary>
    private static async Task WarmUpAsync(RingStoreClient client, IReadOnlyList<NodeProbe> probes, HotPartitionSettings s, CancellationToken ct)
    {
        var table = new ReadingsTable(HotPartitionRunner.Keyspace, "warmup");
        await SchemaSetup.CreateAsync(probes, HotPartitionRunner.Keyspace, s.ReplicationFactor, [table], client, ct).ConfigureAwait(false);
        var workload = new TimeSeriesWorkload(new UniformDistribution(s.Ids), 0.5, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var consistency = Cluster.ClusterBenchSettings.ToProto(s.Consistency);
        var recorder = new TimelineRecorder(60);
        await LoadRunner.RunAsync(s.Concurrency, TimeSpan.FromSeconds(8), s.Seed, random =>
        {
            var op = workload.Next(random);
            return op.Kind == OperationKind.Write
                ? new LoadRequest(op.Kind, async c => { await client.MutateAsync([table.Write(op.Id, op.Bucket, op.TimestampMillis, s.ValueBytes, 0)], consistency, c).ConfigureAwait(false); return true; })
                : new LoadRequest(op.Kind, async c => { await client.ReadAsync(table.RangeRead(op.Id, op.Bucket, op.ReadFromMillis, op.ReadToMillis, 0, consistency), c).ConfigureAwait(false); return true; });
        }, recorder, null, ct).ConfigureAwait(false);
        AnsiConsole.MarkupLine(Markup.Escape(I($"warm-up: {recorder.TotalOps() / 8.0:N0} ops/s, {recorder.TotalFailed} failed")));
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
