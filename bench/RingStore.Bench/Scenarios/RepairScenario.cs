using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using RingStore.Bench.Cluster;
using RingStore.Bench.Measurement;
using RingStore.Bench.Repair;
using RingStore.Bench.Reports;
using RingStore.Client.Protos;
using RingStore.LocalCluster;
using Spectre.Console;
using LocalClusterHost = RingStore.LocalCluster.LocalCluster;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench repair [--data-mib 1024] [--fractions 0,0.001,0.01,0.1] [--value-bytes 1024] [--json PATH] [--plots DIR]`:
/// 3 node processes (RF 3, 16 tokens each, hints off in effect, repair unthrottled) loaded with --data-mib of rows at
/// ALL; then for each fraction f: node 2 is stopped (SIGTERM), f of all rows are overwritten with a new version at
/// QUORUM (so node 2 lacks exactly those versions), node 2 restarts, and node 0 runs `repair` of the table, timed,
/// with every node's RSS sampled. Finally every acknowledged row is read back at ALL and checked byte for byte.
/// Every node process is stopped in every outcome.
/// </summary>
public static class RepairScenario
{
    private const string Keyspace = "repairbench";
    private const int Lagging = 2;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    public static int Run(string[] args)
    {
        var settings = RepairBenchSettings.Parse(new Args(args));
        var run = RunInfo.Now("repair", args);
        return ScenarioRuntime.Run(ct => RunAsync(settings, run, ct));
    }

    private static async Task<int> RunAsync(RepairBenchSettings s, RunInfo run, CancellationToken ct)
    {
        string dataRoot = Path.Combine(Path.GetTempPath(), $"ringstore-bench-repair-{Environment.ProcessId}");
        var options = new LocalClusterOptions
        {
            Nodes = 3,
            InternodeBasePort = s.BasePort,
            GrpcBasePort = s.BasePort + 100,
            DataRoot = dataRoot,
            ClusterName = "benchrepair",
            ExtraSettings = new Dictionary<string, string>
            {
                ["NumTokens"] = "16",
                ["HintWindow"] = "00:00:00.001",
                ["StreamThroughputMiBPerSecond"] = "0",
            },
        };
        PortCheck.EnsureFree(options.ListenAddress, Enumerable.Range(0, 3).SelectMany(i => new[] { options.InternodePort(i), options.GrpcPort(i) }));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"repair: 3 nodes RF 3, {s.DataMiB} MiB ({s.Rows:N0} rows of {s.ValueBytes} B in {s.Partitions:N0} partitions), fractions {string.Join(", ", s.Fractions.Select(f => f.ToString("P1", CultureInfo.InvariantCulture)))}; load avg {run.LoadAverageAtStart:0.0}; data in {dataRoot}")));
        using var cluster = new LocalClusterHost(options);
        int code = 1;
        try
        {
            await cluster.StartAsync(StartTimeout, ct).ConfigureAwait(false);
            var result = await MeasureAsync(cluster, s, run, dataRoot, ct).ConfigureAwait(false);
            RepairBenchReport.Write(s, result);
            RepairBenchReport.Print(result);
            code = result.Error is null && result.LostWrites == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or RpcException)
        {
            AnsiConsole.MarkupLine($"[red]repair bench failed:[/] {Markup.Escape(e.Message)}");
            foreach (var n in cluster.Nodes) AnsiConsole.WriteLine($"--- node{n.Options.Index} log tail:{Environment.NewLine}{NodeProcess.Tail(n.LogPath, 20)}");
        }
        finally
        {
            await cluster.StopAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            if (!s.Keep)
            {
                try { Directory.Delete(dataRoot, recursive: true); }
                catch (IOException e) { AnsiConsole.MarkupLine($"[yellow]could not delete {Markup.Escape(dataRoot)}: {Markup.Escape(e.Message)}[/]"); }
            }
        }
        return code;
    }

    private static RingStoreApi.RingStoreApiClient Client(LocalClusterHost cluster, int node, List<GrpcChannel> channels)
    {
        var channel = GrpcChannel.ForAddress($"http://{cluster.Nodes[node].Options.GrpcEndpoint}",
            new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
        channels.Add(channel);
        return new RingStoreApi.RingStoreApiClient(channel);
    }

    private static async Task<RepairBenchResult> MeasureAsync(LocalClusterHost cluster, RepairBenchSettings s, RunInfo run, string dataRoot, CancellationToken ct)
    {
        var channels = new List<GrpcChannel>();
        try
        {
            var api0 = Client(cluster, 0, channels);
            var api1 = Client(cluster, 1, channels);
            var table = new RepairBenchTable(Keyspace, s);
            await api0.CreateKeyspaceAsync(new CreateKeyspaceRequest
            {
                Name = Keyspace,
                Replication = new Replication { Class = "SimpleStrategy", ReplicationFactor = 3 },
            }, cancellationToken: ct).ConfigureAwait(false);
            await api0.CreateTableAsync(table.Create(), cancellationToken: ct).ConfigureAwait(false);
            await WaitAsync(async () =>
            {
                for (int n = 0; n < 3; n++)
                {
                    var schema = await Client(cluster, n, channels).DescribeSchemaAsync(new DescribeSchemaRequest(), cancellationToken: ct).ConfigureAwait(false);
                    if (!schema.Tables.Any(t => t.Keyspace == Keyspace && t.Name == RepairBenchTable.Name)) return false;
                }
                return true;
            }, "every node has the table", ct).ConfigureAwait(false);

            // 1. The data, at ALL: every replica holds every row before the first measurement.
            var versions = new int[s.Rows];
            var clock = Stopwatch.StartNew();
            long failed = 0;
            long partitionsDone = 0;
            await Parallel.ForEachAsync(LongRange(s.Partitions), new ParallelOptions { MaxDegreeOfParallelism = s.LoadConcurrency, CancellationToken = ct }, async (p, c) =>
            {
                long first = p * s.RowsPerPartition, end = Math.Min(s.Rows, first + s.RowsPerPartition);
                var api = p % 2 == 0 ? api0 : api1;
                Interlocked.Add(ref failed, await WriteAsync(api, table.Write(p, LongRange(end - first).Select(i => (first + i, 0)), Consistency.All), c).ConfigureAwait(false));
                long n = Interlocked.Increment(ref partitionsDone);
                if (n % 500 == 0)
                    ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
                        $"load: {n:N0} of {s.Partitions:N0} partitions ({n * s.RowsPerPartition * s.ValueBytes / 1048576.0:N0} MiB, {clock.Elapsed.TotalSeconds:0} s)"));
            }).ConfigureAwait(false);
            double loadSeconds = clock.Elapsed.TotalSeconds;
            ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture, $"load: {s.Rows:N0} rows in {loadSeconds:0.0} s ({s.DataMiB / loadSeconds:0.0} MiB/s)"), final: true);
            for (int n = 0; n < 3; n++)
                await Client(cluster, n, channels).FlushAsync(new FlushRequest { Keyspace = Keyspace }, cancellationToken: ct).ConfigureAwait(false);
            var nodeData = Enumerable.Range(0, 3).Select(n => DataBytes(Path.Combine(dataRoot, $"node{n}"))).ToList();
            AnsiConsole.MarkupLine(Markup.Escape($"flushed; SSTable bytes per node: {string.Join(", ", nodeData.Select(b => $"{b / 1048576.0:N0} MiB"))}"));

            // 2. Each fraction.
            var results = new List<RepairFractionResult>();
            string? error = null;
            var random = new Random(s.Seed);
            int version = 0;
            foreach (double fraction in s.Fractions)
            {
                try
                {
                    version++;
                    long differing = (long)Math.Round(fraction * s.Rows);
                    if (differing > 0)
                    {
                        await cluster.Nodes[Lagging].StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                        await WaitForLivenessAsync(api0, cluster.Nodes[Lagging].Options.InternodeEndpoint, "DOWN", ct).ConfigureAwait(false);
                        var chosen = new HashSet<long>();
                        while (chosen.Count < differing) chosen.Add(random.NextInt64(s.Rows));
                        int v = version;
                        await Parallel.ForEachAsync(chosen.GroupBy(r => r / s.RowsPerPartition), new ParallelOptions { MaxDegreeOfParallelism = s.LoadConcurrency, CancellationToken = ct }, async (g, c) =>
                        {
                            Interlocked.Add(ref failed, await WriteAsync(g.Key % 2 == 0 ? api0 : api1, table.Write(g.Key, g.Select(r => (r, v)), Consistency.Quorum), c).ConfigureAwait(false));
                            foreach (long r in g) versions[r] = v;
                        }).ConfigureAwait(false);
                        cluster.StartNode(Lagging);
                        await cluster.Nodes[Lagging].WaitUntilReadyAsync(3, StartTimeout, ct).ConfigureAwait(false);
                        await WaitForLivenessAsync(api0, cluster.Nodes[Lagging].Options.InternodeEndpoint, "UP", ct).ConfigureAwait(false);
                    }
                    results.Add(await RepairAsync(api0, cluster, fraction, differing, nodeData[0], ct).ConfigureAwait(false));
                    AnsiConsole.MarkupLine(Markup.Escape(RepairBenchReport.Line(results[^1])));
                }
                catch (Exception e) when (e is RpcException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    error = $"fraction {fraction}: {e.Message}";
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(error)}[/]");
                    break;
                }
            }
            run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();

            // 3. Every acknowledged row at ALL, checked byte for byte against its newest acknowledged version.
            var check = await ReadBackAsync(api0, api1, table, s, versions, ct).ConfigureAwait(false);
            return new RepairBenchResult
            {
                Run = run,
                DataMib = s.DataMiB,
                Rows = s.Rows,
                ValueBytes = s.ValueBytes,
                LoadSeconds = Math.Round(loadSeconds, 1),
                LoadMibPerSec = Math.Round(s.DataMiB / loadSeconds, 1),
                NodeDataBytes = nodeData,
                FailedRequests = failed,
                LostWrites = check.Lost,
                WrongValues = check.Wrong,
                ReadBackSeconds = check.Seconds,
                Results = [.. results.Select(r => r with { LostWrites = check.Lost })],
                Error = error,
            };
        }
        finally
        {
            foreach (var c in channels) c.Dispose();
        }
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++) yield return i;
    }

    /// <summary>Writes with up to 5 attempts (the write is idempotent); throws if all fail: an unknown row state would spoil the check.</summary>
    private static async Task<long> WriteAsync(RingStoreApi.RingStoreApiClient api, MutateRequest request, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await api.MutateAsync(request, deadline: DateTime.UtcNow.AddSeconds(20), cancellationToken: ct).ConfigureAwait(false);
                return attempt - 1;
            }
            catch (RpcException) when (attempt < 5 && !ct.IsCancellationRequested)
            {
                await Task.Delay(200 * attempt, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task<RepairFractionResult> RepairAsync(RingStoreApi.RingStoreApiClient api0, LocalClusterHost cluster, double fraction, long differing,
        long node0DataBytes, CancellationToken ct)
    {
        var pids = cluster.Nodes.Select(n => n.Pid ?? throw new InvalidOperationException($"node{n.Options.Index} is not running")).ToList();
        RepairUpdate? final = null;
        var clock = Stopwatch.StartNew();
        var rss = new RssSampler(pids);
        await using (rss.ConfigureAwait(false))
        {
            using var call = api0.Repair(new RepairRequest { Keyspace = Keyspace, Table = RepairBenchTable.Name }, cancellationToken: ct);
            await foreach (var u in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (u.Final) final = u;
                else ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
                    $"repair {fraction:P1}: {u.RangesDone}/{u.RangesTotal} ranges, {u.RowsCompared:N0} compared, {u.RowsDiffering:N0} differing, {u.RowsSent:N0} sent, {clock.Elapsed.TotalSeconds:0} s"));
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        ScenarioRuntime.Progress("", final: true);
        if (final is null) throw new InvalidOperationException("the repair ended without a summary");
        var peak = rss.Peak;
        return new RepairFractionResult
        {
            Scenario = string.Create(CultureInfo.InvariantCulture, $"repair-{fraction * 100:0.###}pct"),
            DifferenceFraction = fraction,
            DifferingRows = differing,
            RepairSeconds = Math.Round(seconds, 2),
            RangesTotal = final.RangesTotal,
            RangesFailed = final.RangesFailed,
            RowsCompared = final.RowsCompared,
            RowsDiffering = final.RowsDiffering,
            RowsTransferred = final.RowsSent,
            BytesTransferred = final.BytesSent,
            BytesFetched = final.BytesReceived,
            OverstreamRatio = differing > 0 ? Math.Round(final.RowsSent / (double)differing, 3) : null,
            PeakRssBytes = peak.Max(),
            RssGrowthBytes = Enumerable.Range(0, peak.Count).Max(i => peak[i] - rss.Start[i]),
            AnonRssGrowthBytes = Enumerable.Range(0, peak.Count).Max(i => rss.PeakAnon[i] - rss.StartAnon[i]),
            PeakRssBytesPerNode = peak,
            RssAtStartBytesPerNode = rss.Start,
            ValidationMibPerSec = Math.Round(node0DataBytes / 1048576.0 / seconds, 1),
        };
    }

    private sealed record ReadBack(long Lost, long Wrong, double Seconds);

    private static async Task<ReadBack> ReadBackAsync(RingStoreApi.RingStoreApiClient api0, RingStoreApi.RingStoreApiClient api1, RepairBenchTable table,
        RepairBenchSettings s, int[] versions, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long lost = 0, wrong = 0, done = 0;
        var errors = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(LongRange(s.Partitions), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (p, c) =>
        {
            long first = p * s.RowsPerPartition, end = Math.Min(s.Rows, first + s.RowsPerPartition);
            ReadResponse? response = null;
            for (int attempt = 1; attempt <= 3 && response is null; attempt++)
            {
                try
                {
                    response = await (p % 2 == 0 ? api0 : api1).ReadAsync(table.ReadPartition(p, Consistency.All), deadline: DateTime.UtcNow.AddSeconds(20), cancellationToken: c).ConfigureAwait(false);
                }
                catch (RpcException e) when (attempt < 3)
                {
                    errors.Enqueue(e.Status.Detail);
                    await Task.Delay(500, c).ConfigureAwait(false);
                }
                catch (RpcException e)
                {
                    errors.Enqueue(e.Status.Detail);
                }
            }
            var seen = new Dictionary<long, byte[]>();
            if (response is not null)
            {
                var columns = response.Columns.Select(x => x.Name).ToList();
                int seq = columns.IndexOf("seq"), v = columns.IndexOf("v");
                foreach (var row in response.Rows) seen[first + row.Values[seq].Int] = row.Values[v].Blob.ToByteArray();
            }
            for (long r = first; r < end; r++)
            {
                if (!seen.TryGetValue(r, out var value)) Interlocked.Increment(ref lost);
                else if (!value.AsSpan().SequenceEqual(table.Value(r, versions[r])))
                {
                    Interlocked.Increment(ref lost);
                    Interlocked.Increment(ref wrong);
                }
            }
            long n = Interlocked.Increment(ref done);
            if (n % 1000 == 0) ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture, $"read-back at ALL: {n:N0} of {s.Partitions:N0} partitions"));
        }).ConfigureAwait(false);
        ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
            $"read-back at ALL: {s.Rows:N0} rows, {lost} lost ({wrong} wrong value), {errors.Count} read errors, {clock.Elapsed.TotalSeconds:0.0} s"), final: true);
        foreach (var e in errors.Take(3)) AnsiConsole.MarkupLine(Markup.Escape($"read error: {e}"));
        return new ReadBack(lost, wrong, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }

    private static async Task WaitForLivenessAsync(RingStoreApi.RingStoreApiClient observer, string endpoint, string liveness, CancellationToken ct) =>
        await WaitAsync(async () =>
        {
            var ring = await observer.DescribeRingAsync(new DescribeRingRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct).ConfigureAwait(false);
            return ring.Nodes.Any(n => n.Endpoint == endpoint && n.Liveness == liveness);
        }, $"{endpoint} seen {liveness}", ct).ConfigureAwait(false);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Bytes of the node's SSTable files (its data directory, commit log excluded).</summary>
    private static long DataBytes(string nodeDirectory)
    {
        string data = Path.Combine(nodeDirectory, "data");
        return Directory.Exists(data) ? new DirectoryInfo(data).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;
    }
}
