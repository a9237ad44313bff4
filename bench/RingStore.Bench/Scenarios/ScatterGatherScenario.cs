using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using RingStore.Bench.Cluster;
using RingStore.Bench.FailureInjection;
using RingStore.Bench.Measurement;
using RingStore.Bench.Reports;
using RingStore.Bench.ScatterGather;
using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.LocalCluster;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench scatter-gather [--rows 100000] [--rows-per-partition 20] [--rf 3] [--repeats 2] [--scan-samples 20]
/// [--mode both|parallel|sequential] [--base-port 28100] [--dir D] [--keep]`: node processes on 127.0.0.1, --rows rows
/// loaded at ALL (then flushed), and for each path — the sequential one of before (nodes started with
/// `--scatter-gather false`: vnode pieces one after another, aggregates on the coordinator) and scatter-gather (the
/// same data, nodes restarted with it on: parallel pieces, aggregates pushed to the replicas) — full-table COUNT(*)
/// and SUM(v) at ONE (best and median of --repeats), then with one node frozen (SIGSTOP) the latency of
/// `SELECT ... WHERE token(k) > random LIMIT 100` at QUORUM (p50/p99 of --scan-samples; the frozen node is in the
/// replica set of two ranges out of three), without and (scatter-gather only) with ALLOW PARTIAL RESULTS (1 s scan
/// budget). The scans are sent straight to node 0 over gRPC (not through the SDK, whose query plan could pick the frozen
/// node as coordinator and wait out its timeout): what is measured is a live coordinator with one slow replica.
/// Nodes run with the default 5 s read timeout and a 10 s range budget. Small defaults (100,000 rows, 2 repeats,
/// 20 scans) keep a run to minutes on a shared machine; the README's figures name their own flags.
/// </summary>
public static class ScatterGatherScenario
{
    private const string Keyspace = "sg";
    private const string Table = "t";

    public static int Run(string[] args)
    {
        var settings = ScatterGatherSettings.Parse(new Args(args));
        var run = RunInfo.Now("scatter-gather", args);
        return ScenarioRuntime.Run(ct => RunAsync(settings, run, ct));
    }

    private sealed record PathResult(string Path, double CountBestS, double CountMedianS, double SumBestS, double SumMedianS, long Count,
        (double P50, double P99, int Errors) Paused, (double P50, double P99, int Errors, double MinCoverage)? PausedPartial);

    private static async Task<int> RunAsync(ScatterGatherSettings s, RunInfo run, CancellationToken ct)
    {
        PortCheck.EnsureFree("127.0.0.1", Enumerable.Range(0, s.Nodes).SelectMany(i => new[] { s.BasePort + i, s.BasePort + 100 + i }));
        string dataRoot = s.Directory ?? Path.Combine(Path.GetTempPath(), $"ringstore-bench-scatter-{Environment.ProcessId}");
        var results = new List<PathResult>();
        double loadSeconds = 0;
        try
        {
            bool first = true;
            foreach (bool parallel in s.Mode switch { "parallel" => new[] { true }, "sequential" => new[] { false }, _ => new[] { false, true } })
            {
                using IBenchCluster cluster = new LocalBenchCluster(new LocalClusterOptions
                {
                    Nodes = s.Nodes,
                    InternodeBasePort = s.BasePort,
                    GrpcBasePort = s.BasePort + 100,
                    DataRoot = dataRoot,
                    ClusterName = "benchscatter",
                    ExtraSettings = new Dictionary<string, string>
                    {
                        ["ScatterGather"] = parallel ? "true" : "false",
                        // A generous per-range budget: this machine is shared and loaded (load average 50+).
                        ["RangeBudget"] = "00:00:10",
                        ["PartialResultsBudget"] = "00:00:01",
                        // The frozen node stays "up" in gossip for the whole measurement: the slow-replica case.
                        ["PhiConvictThreshold"] = "100",
                    },
                });
                var probes = cluster.GrpcEndpoints.Select(e => new NodeProbe(e)).ToList();
                try
                {
                    await cluster.StartAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
                    await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
                    {
                        ContactPoints = [cluster.GrpcEndpoints[0]],
                        DefaultConsistency = Consistency.One,
                        RequestTimeout = TimeSpan.FromMinutes(10),
                    }, ct).ConfigureAwait(false);
                    if (first) loadSeconds = await LoadAsync(s, client, probes, ct).ConfigureAwait(false);
                    first = false;
                    results.Add(await MeasureAsync(s, parallel, client, cluster, probes[0], ct).ConfigureAwait(false));
                }
                finally
                {
                    foreach (var p in probes) p.Dispose();
                    await cluster.StopAllAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (!s.Keep && System.IO.Directory.Exists(dataRoot)) System.IO.Directory.Delete(dataRoot, recursive: true);
        }
        run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();
        Print(s, run, loadSeconds, results);
        return 0;
    }

    /// <summary>Partitions of --rows-per-partition rows (k, c) -> v = k * 7 + c, written at ALL in parallel, then flushed.</summary>
    private static async Task<double> LoadAsync(ScatterGatherSettings s, RingStoreClient client, IReadOnlyList<NodeProbe> probes, CancellationToken ct)
    {
        await client.ExecuteAsync(new SimpleStatement(
            $"CREATE KEYSPACE IF NOT EXISTS {Keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {s.ReplicationFactor}}}"), ct).ConfigureAwait(false);
        await client.ExecuteAsync(new SimpleStatement($"CREATE TABLE IF NOT EXISTS {Keyspace}.{Table} (k int, c int, v int, PRIMARY KEY (k, c))"), ct).ConfigureAwait(false);
        await client.RefreshMetadataAsync(ct).ConfigureAwait(false);
        int partitions = (s.Rows + s.RowsPerPartition - 1) / s.RowsPerPartition;
        const int perCall = 50;
        int next = 0;
        var sw = Stopwatch.StartNew();
        async Task Worker()
        {
            while (true)
            {
                int first = Interlocked.Add(ref next, perCall) - perCall;
                if (first >= partitions) return;
                var mutations = Enumerable.Range(first, Math.Min(perCall, partitions - first)).Select(k => Partition(s, k)).ToList();
                await client.MutateAsync(mutations, Consistency.All, ct).ConfigureAwait(false);
                if (first % (perCall * 200) == 0) ScenarioRuntime.Progress($"loading: {(long)first * s.RowsPerPartition:N0} / {s.Rows:N0} rows");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Worker())).ConfigureAwait(false);
        foreach (var probe in probes)
            await probe.Api.FlushAsync(new FlushRequest { Keyspace = Keyspace, Table = Table }, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
        ScenarioRuntime.Progress($"loaded {s.Rows:N0} rows at ALL and flushed in {sw.Elapsed.TotalSeconds:F1} s", final: true);
        return sw.Elapsed.TotalSeconds;
    }

    private static Mutation Partition(ScatterGatherSettings s, int k)
    {
        var m = new Mutation { Keyspace = Keyspace, Table = Table, PartitionKey = { new Value { Int = k } } };
        int rows = Math.Min(s.RowsPerPartition, s.Rows - k * s.RowsPerPartition);
        for (int c = 0; c < rows; c++)
        {
            var row = new RowWrite { Clustering = { new Value { Int = c } } };
            row.Cells["v"] = new Value { Int = (k * 7 + c) % 1000 };
            m.Rows.Add(row);
        }
        return m;
    }

    private static async Task<PathResult> MeasureAsync(ScatterGatherSettings s, bool parallel, RingStoreClient client, IBenchCluster cluster,
        NodeProbe coordinator, CancellationToken ct)
    {
        string path = parallel ? "scatter-gather" : "sequential";
        var counts = new List<double>();
        var sums = new List<double>();
        long count = 0;
        // Warm-up (JIT, caches after the restart), not timed.
        await client.ExecuteAsync(new SimpleStatement($"SELECT COUNT(*) FROM {Keyspace}.{Table}") { Timeout = TimeSpan.FromMinutes(10) }, ct).ConfigureAwait(false);
        for (int i = 0; i < s.Repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            var rs = await client.ExecuteAsync(new SimpleStatement($"SELECT COUNT(*) FROM {Keyspace}.{Table}") { Timeout = TimeSpan.FromMinutes(10) }, ct).ConfigureAwait(false);
            counts.Add(sw.Elapsed.TotalSeconds);
            count = rs.Rows[0].Get<long>(0);
            if (count != s.Rows) throw new InvalidOperationException($"{path}: COUNT(*) = {count}, expected {s.Rows}");
            sw.Restart();
            await client.ExecuteAsync(new SimpleStatement($"SELECT SUM(v) FROM {Keyspace}.{Table}") { Timeout = TimeSpan.FromMinutes(10) }, ct).ConfigureAwait(false);
            sums.Add(sw.Elapsed.TotalSeconds);
            ScenarioRuntime.Progress($"{path}: COUNT(*) {counts[^1]:F2} s, SUM {sums[^1]:F2} s", final: true);
        }

        int paused = cluster.Count - 1; // never node 0, the scans' coordinator
        cluster.Pause(paused);
        try
        {
            var plain = await ScanAsync(s, coordinator, partial: false, ct).ConfigureAwait(false);
            (double, double, int, double)? withPartial = null;
            if (parallel)
            {
                var p = await ScanAsync(s, coordinator, partial: true, ct).ConfigureAwait(false);
                withPartial = (p.P50, p.P99, p.Errors, p.MinCoverage);
            }
            return new PathResult(path, counts.Min(), Median(counts), sums.Min(), Median(sums), count, (plain.P50, plain.P99, plain.Errors), withPartial);
        }
        finally
        {
            cluster.Resume(paused);
        }
    }

    /// <summary>LIMIT 100 scans from random tokens at QUORUM, coordinated by node 0 (pinned: a gRPC call to it), while the last node is frozen.</summary>
    private static async Task<(double P50, double P99, int Errors, double MinCoverage)> ScanAsync(ScatterGatherSettings s, NodeProbe coordinator, bool partial,
        CancellationToken ct)
    {
        var random = new Random(42);
        var latencies = new List<double>();
        int errors = 0;
        double minCoverage = 1;
        for (int i = 0; i < s.ScanSamples; i++)
        {
            long from = random.NextInt64(long.MinValue, long.MaxValue);
            var request = new ExecuteRequest
            {
                Statement = $"SELECT k, c, v FROM {Keyspace}.{Table} WHERE token(k) > {from} LIMIT 100",
                Consistency = Consistency.Quorum,
                PageSize = 100,
                AllowPartialResults = partial,
            };
            var sw = Stopwatch.StartNew();
            try
            {
                var response = await coordinator.Api.ExecuteAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
                if (response.HasCoverage) minCoverage = Math.Min(minCoverage, response.Coverage);
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode != Grpc.Core.StatusCode.Cancelled || !ct.IsCancellationRequested)
            {
                errors++;
            }
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        return (Percentile(latencies, 0.5), Percentile(latencies, 0.99), errors, minCoverage);
    }

    private static double Median(List<double> values) => Percentile(values.Order().ToList(), 0.5);

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static void Print(ScatterGatherSettings s, RunInfo run, double loadSeconds, List<PathResult> results)
    {
        Console.WriteLine($"{run.Date}  {run.Machine}  load {run.LoadAverageAtStart:F1} -> {run.LoadAverageAtEnd:F1}");
        Console.WriteLine(run.Command);
        Console.WriteLine(I($"{s.Nodes} nodes, RF {s.ReplicationFactor}; {s.Rows:N0} rows ({s.RowsPerPartition} per partition) loaded at ALL in {loadSeconds:F1} s; aggregates at ONE, best / median of {s.Repeats}"));
        Console.WriteLine("| path | COUNT(*) s | SUM(v) s | LIMIT 100 scan at QUORUM, one node paused: p50 / p99 ms (errors) | same with ALLOW PARTIAL RESULTS: p50 / p99 ms (errors, min coverage) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            string partial = r.PausedPartial is { } p ? I($"{p.P50:F0} / {p.P99:F0} ({p.Errors}, {p.MinCoverage:P1})") : "n/a";
            Console.WriteLine(I($"| {r.Path} | {r.CountBestS:F2} / {r.CountMedianS:F2} | {r.SumBestS:F2} / {r.SumMedianS:F2} | {r.Paused.P50:F0} / {r.Paused.P99:F0} ({r.Paused.Errors}) | {partial} |"));
        }
        if (results.Count == 2)
            Console.WriteLine(I($"speed-up (best): COUNT(*) {results[0].CountBestS / results[1].CountBestS:F1}x, SUM {results[0].SumBestS / results[1].SumBestS:F1}x"));
    }

    private static string I(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
}
