using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RingStore.Bench.Cluster;
using RingStore.Bench.Load;
using RingStore.Bench.Measurement;
using RingStore.Bench.NodeFailure;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using RingStore.Bench.ScaleOut;
using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.LocalCluster;
using Spectre.Console;
using LocalClusterHost = RingStore.LocalCluster.LocalCluster;
using LoadRequest = RingStore.Bench.Load.LoadRequest; // not the gRPC Load call's request

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench scale-out [--data-mib 2048] [--stream-mib-per-sec 64] [--duration 30] [--rate R] [--json PATH] [--plots DIR]`:
/// 3 nodes (RF 3) with --data-mib of time-series rows, then a paced QUORUM write+read load at half the measured peak
/// during which a fourth node bootstraps (empty data directory, seeds = node 0) and, once it is NORMAL, node 1 is
/// decommissioned; finally every acknowledged write is read back at QUORUM. Every node process is stopped (by the pid
/// started) in every outcome, Ctrl+C included.
/// </summary>
public static class ScaleOutScenario
{
    private const string Keyspace = "scaleout";
    private const int Joiner = 3;
    private const int Leaver = 1;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    public static int Run(string[] args)
    {
        var settings = ScaleOutSettings.Parse(new Args(args));
        var run = RunInfo.Now("scale-out", args);
        return ScenarioRuntime.Run(ct => RunAsync(settings, run, ct));
    }

    private static async Task<int> RunAsync(ScaleOutSettings s, RunInfo run, CancellationToken ct)
    {
        string dataRoot = Path.Combine(Path.GetTempPath(), $"ringstore-bench-scaleout-{Environment.ProcessId}");
        var options = new LocalClusterOptions
        {
            Nodes = ScaleOutSettings.InitialNodes,
            InternodeBasePort = s.BasePort,
            GrpcBasePort = s.BasePort + 100,
            DataRoot = dataRoot,
            ClusterName = "benchscale",
            ExtraSettings = new Dictionary<string, string>
            {
                ["StreamThroughputMiBPerSecond"] = s.StreamMiBPerSecond.ToString(CultureInfo.InvariantCulture),
            },
        };
        PortCheck.EnsureFree(options.ListenAddress,
            Enumerable.Range(0, ScaleOutSettings.InitialNodes + 1).SelectMany(i => new[] { options.InternodePort(i), options.GrpcPort(i) }));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"scale-out: 3 nodes RF 3, {s.DataMiB} MiB ({s.LoadPartitions:N0} partitions x {s.RowsPerPartition} rows x {s.LoadValueBytes} B), streams {(s.StreamMiBPerSecond == 0 ? "unthrottled" : $"{s.StreamMiBPerSecond} MiB/s")}, " +
            $"{s.DurationSeconds} s before the join and after the decommission; load avg {run.LoadAverageAtStart:0.0}; data in {dataRoot}")));

        using var cluster = new LocalClusterHost(options);
        // The fourth node: the next ports and an empty data directory, seeds = node 0 (like the others), not a seed itself.
        using var joiner = new NodeProcess(options.ForNode(Joiner));
        var probes = Enumerable.Range(0, ScaleOutSettings.InitialNodes + 1).Select(i => new NodeProbe(options.ForNode(i).GrpcEndpoint)).ToList();
        int code = 1;
        try
        {
            await cluster.StartAsync(StartTimeout, ct).ConfigureAwait(false);
            AnsiConsole.WriteLine(cluster.ToString());
            var result = await MeasureAsync(cluster, joiner, probes, s, run, ct).ConfigureAwait(false);
            ScaleOutReport.Write(s.JsonPath, s.EffectivePlotsDirectory, result);
            ScaleOutReport.PrintSummary(result);
            if (result.Error is { } error) AnsiConsole.MarkupLine($"[red]scale-out: {Markup.Escape(error)}[/]");
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(s.JsonPath)}[/] and throughput.png, latency.png, streamed.png in [blue]{Markup.Escape(s.EffectivePlotsDirectory)}[/]");
            code = result.Error is null && result.FailedRequests == 0 && result.LostWrites == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or RpcException or RingStoreException)
        {
            AnsiConsole.MarkupLine($"[red]scale-out failed:[/] {Markup.Escape(e.Message)}");
            foreach (var (node, tail) in LogTails(cluster, joiner, 20)) AnsiConsole.WriteLine($"--- {node} log tail:{Environment.NewLine}{tail}");
        }
        finally
        {
            foreach (var p in probes) p.Dispose();
            await joiner.StopAsync(StopTimeout).ConfigureAwait(false);
            await cluster.StopAsync(StopTimeout).ConfigureAwait(false);
            if (!s.Keep)
            {
                try { Directory.Delete(dataRoot, recursive: true); }
                catch (IOException e) { AnsiConsole.MarkupLine($"[yellow]could not delete {Markup.Escape(dataRoot)}: {Markup.Escape(e.Message)}[/]"); }
            }
        }
        return code;
    }

    private static async Task<ScaleOutResult> MeasureAsync(LocalClusterHost cluster, NodeProcess joiner, List<NodeProbe> probes, ScaleOutSettings s, RunInfo run,
        CancellationToken ct)
    {
        var table = new ReadingsTable(Keyspace, "readings");
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = [.. cluster.GrpcEndpoints],
            DefaultConsistency = Consistency.Quorum,
            RequestTimeout = TimeSpan.FromSeconds(10),
            MetadataRefreshInterval = TimeSpan.FromSeconds(1),
        }, ct).ConfigureAwait(false);
        await SchemaSetup.CreateAsync(probes.Take(ScaleOutSettings.InitialNodes).ToList(), Keyspace, ScaleOutSettings.ReplicationFactor, [table], client, ct).ConfigureAwait(false);

        // 1. The data the new node will stream (a day-wide bucket two days back: apart from the load's minute buckets).
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var bulk = new BulkLoad(table, s, now - (long)TimeSpan.FromDays(2).TotalMilliseconds);
        var loaded = await bulk.RunAsync(client, (done, total) => ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
            $"load: {done:N0} of {total:N0} rows ({done * s.LoadValueBytes / 1048576.0:N0} MiB)")), ct).ConfigureAwait(false);
        ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
            $"load: {loaded.Rows:N0} rows, {loaded.Bytes / 1048576.0:N0} MiB in {loaded.Seconds:0.0} s ({loaded.MiBPerSecond:0.0} MiB/s), {loaded.FailedMutations} failed mutations, {loaded.Retries} retries"), final: true);

        // 2. The load: reads of earlier acknowledged writes (checked) and new rows, QUORUM.
        var acked = new AckedWriteLog();
        var workload = new TimeSeriesWorkload(new UniformDistribution(s.Ids), 0, now, TimeSpan.FromMinutes(1), TimeSpan.Zero);
        LoadRequest Plan(Random random)
        {
            if (random.NextDouble() < s.ReadFraction && acked.Pick(random) is { } w)
            {
                var read = table.RangeRead(w.Id, w.Bucket, w.TimestampMillis, w.TimestampMillis, 0, Consistency.Quorum);
                return new LoadRequest(OperationKind.Read, async c => PartitionCheck.Holds(w, await client.ReadAsync(read, c).ConfigureAwait(false), s.ValueBytes));
            }
            var op = workload.Next(random);
            var mutation = table.Write(op.Id, op.Bucket, op.TimestampMillis, s.ValueBytes, 0);
            return new LoadRequest(OperationKind.Write, async c =>
            {
                await client.MutateAsync([mutation], Consistency.Quorum, c).ConfigureAwait(false);
                acked.Add(new AckedWrite(op.Id, op.Bucket, op.TimestampMillis));
                return true;
            });
        }

        double peak = 0;
        long peakFailed = 0;
        if (s.Rate <= 0)
        {
            var peakRecorder = new TimelineRecorder(s.PeakSeconds + 5);
            await LoadRunner.RunAsync(s.Concurrency, TimeSpan.FromSeconds(s.PeakSeconds), s.Seed + 1, Plan, peakRecorder, null, ct).ConfigureAwait(false);
            peak = Math.Round(peakRecorder.Window(1, s.PeakSeconds).TotalCount / (double)(s.PeakSeconds - 1), 1);
            peakFailed = peakRecorder.TotalFailed;
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"peak: {peak:N0} requests/s closed loop ({s.Concurrency} loops, {s.ReadFraction:P0} reads), {peakFailed} failed")));
        }
        double rate = s.Rate > 0 ? s.Rate : Math.Max(1, peak / 2);

        var clock = new Stopwatch();
        var streams = new StreamWatch(clock);
        foreach (var probe in probes) streams.Watch(probe);
        int maxSeconds = 2 * s.DurationSeconds + s.SettleSeconds + s.JoinTimeoutSeconds + s.DecommissionTimeoutSeconds + 180;
        var recorder = new TimelineRecorder(maxSeconds);
        var events = new List<PlotEvent>();
        string phase = "before";
        using var stopLoad = new CancellationTokenSource();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        clock.Start();
        var load = LoadRunner.RunPacedAsync(s.Concurrency, rate, TimeSpan.FromSeconds(maxSeconds - 60), s.Seed, Plan, recorder, elapsed =>
        {
            var points = recorder.Points((int)elapsed.TotalSeconds);
            var last = points.Count > 0 ? points[^1] : null;
            ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
                $"{elapsed.TotalSeconds,4:0} s {phase,-13} {last?.Ops ?? 0,6} ops/s  p99 {last?.P99Ms ?? 0,8:0.0} ms  failed {recorder.TotalFailed}  wrong {recorder.TotalWrong}  streamed {(streams.Bytes("bootstrap") + streams.Bytes("decommission")) / 1048576.0,7:0} MiB"));
        }, stopLoad.Token, ct);
        var watching = streams.RunAsync(stopWatching.Token);

        string? error = null;
        double joinAt = 0, normalAt = 0, decommissionAt = 0, decommissionDoneAt = 0;
        double? bootstrapSeconds = null, decommissionSeconds = null;
        IReadOnlyList<NodeOwnership> ownershipAfterJoin = [], ownershipAfterDecommission = [], primaryAfterJoin = [];
        TopologyResponse? decommission = null;
        string joinerEndpoint = joiner.Options.GrpcEndpoint, leaverEndpoint = cluster.Nodes[Leaver].Options.GrpcEndpoint;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(s.DurationSeconds), ct).ConfigureAwait(false);

            // 3. The join: a fourth node process, empty data directory, seeds = node 0.
            phase = "bootstrap";
            joinAt = clock.Elapsed.TotalSeconds;
            events.Add(new PlotEvent(joinAt, $"node{Joiner} started (bootstrap)"));
            joiner.Start(NodeBinary.Locate());
            ownershipAfterJoin = await WaitForNormalAsync(probes[0], joiner, TimeSpan.FromSeconds(s.JoinTimeoutSeconds), ct).ConfigureAwait(false);
            normalAt = clock.Elapsed.TotalSeconds;
            bootstrapSeconds = Math.Round(normalAt - joinAt, 2);
            events.Add(new PlotEvent(normalAt, $"node{Joiner} NORMAL"));
            primaryAfterJoin = Ownership(await probes[0].StatusAsync("", CallTimeout, ct).ConfigureAwait(false));
            await client.RefreshMetadataAsync(ct).ConfigureAwait(false);

            phase = "settle";
            await Task.Delay(TimeSpan.FromSeconds(s.SettleSeconds), ct).ConfigureAwait(false);

            // 4. The decommission of an original node (not node 0, everyone's seed); the process exits when done.
            phase = "decommission";
            decommissionAt = clock.Elapsed.TotalSeconds;
            events.Add(new PlotEvent(decommissionAt, $"decommission node{Leaver}"));
            decommission = await probes[Leaver].Api.DecommissionAsync(new DecommissionRequest(),
                deadline: DateTime.UtcNow.AddSeconds(s.DecommissionTimeoutSeconds), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            decommissionDoneAt = clock.Elapsed.TotalSeconds;
            decommissionSeconds = Math.Round(decommissionDoneAt - decommissionAt, 2);
            events.Add(new PlotEvent(decommissionDoneAt, $"node{Leaver} decommissioned"));
            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine(Markup.Escape($"decommission: {decommission.Message}"));
            await WaitForExitAsync(cluster.Nodes[Leaver], TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            ownershipAfterDecommission = Ownership(await probes[0].StatusAsync(Keyspace, CallTimeout, ct).ConfigureAwait(false));

            phase = "after";
            await Task.Delay(TimeSpan.FromSeconds(s.DurationSeconds), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            error = $"{phase} failed at {clock.Elapsed.TotalSeconds:0.0} s: {e.Message}";
            events.Add(new PlotEvent(clock.Elapsed.TotalSeconds, $"{phase} failed"));
            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(error)}[/]");
        }
        double endAt = clock.Elapsed.TotalSeconds;
        await stopLoad.CancelAsync().ConfigureAwait(false);
        await load.ConfigureAwait(false);
        await streams.PollAsync(ct).ConfigureAwait(false);
        await stopWatching.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
            $"load done: {recorder.TotalOps():N0} requests, {recorder.TotalFailed} failed, {recorder.TotalWrong} wrong, {acked.Count:N0} acknowledged writes"), final: true);
        var logTails = error is null ? new Dictionary<string, string>() : LogTails(cluster, joiner, 40);
        foreach (var (node, tail) in logTails) AnsiConsole.WriteLine($"--- {node} log tail:{Environment.NewLine}{tail}");
        run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();

        // 5. Every acknowledged write read back at QUORUM from the cluster as it is now.
        var check = await ReadBackAsync(client, table, bulk, loaded, acked.Snapshot(), s, ct).ConfigureAwait(false);

        var before = PhaseFigures.Of(recorder, 0, joinAt > 0 ? joinAt : endAt);
        PhaseFigures? bootstrapPhase = joinAt > 0 ? PhaseFigures.Of(recorder, joinAt, normalAt > 0 ? normalAt : endAt) : null;
        PhaseFigures? decommissionPhase = decommissionAt > 0 ? PhaseFigures.Of(recorder, decommissionAt, decommissionDoneAt > 0 ? decommissionDoneAt : endAt) : null;
        PhaseFigures? after = decommissionDoneAt > 0 ? PhaseFigures.Of(recorder, decommissionDoneAt, endAt) : null;
        var during = new HdrHistogram.LongHistogram(1, TimelineRecorder.HighestTrackableMicros, 2);
        if (bootstrapPhase is not null) during.Add(recorder.Window((int)bootstrapPhase.FromS, (int)bootstrapPhase.ToS));
        if (decommissionPhase is not null) during.Add(recorder.Window((int)decommissionPhase.FromS, (int)decommissionPhase.ToS));
        var normalOwnership = ownershipAfterJoin.Where(o => o.Status == "NORMAL" && o.Ownership > 0).ToList();
        var normalPrimary = primaryAfterJoin.Where(o => o.Status == "NORMAL" && o.Ownership > 0).ToList();
        long bootstrapBytes = streams.Bytes("bootstrap"), decommissionBytes = streams.Bytes("decommission");
        return new ScaleOutResult
        {
            FailedRequests = recorder.TotalFailed,
            LostWrites = check.LostLoad + check.LostBulk,
            BootstrapSeconds = bootstrapSeconds,
            DecommissionSeconds = decommissionSeconds,
            StreamedBytes = bootstrapBytes + decommissionBytes,
            StreamMibPerSec = streams.MiBPerSecond("bootstrap"),
            OwnershipMaxOverMin = normalOwnership.Count > 1 ? Math.Round(normalOwnership.Max(o => o.Ownership) / normalOwnership.Min(o => o.Ownership), 3) : null,
            P99MsBefore = before.P99Ms,
            P99MsDuring = TimelineRecorder.PercentileMs(during, 99),
            P99MsAfter = after?.P99Ms ?? 0,
            StreamThrottleMibPerSec = s.StreamMiBPerSecond,
            Run = run,
            Error = error,
            DataMib = s.DataMiB,
            LoadedRows = loaded.Rows,
            LoadSeconds = Math.Round(loaded.Seconds, 1),
            LoadMibPerSec = loaded.MiBPerSecond,
            LoadFailedMutations = loaded.FailedMutations,
            LoadRetries = loaded.Retries,
            PeakOpsPerSec = peak,
            PeakFailedRequests = peakFailed,
            RateOffered = Math.Round(rate, 1),
            MaxInFlight = s.Concurrency,
            ReadFraction = s.ReadFraction,
            Writes = recorder.TotalOps(OperationKind.Write),
            Reads = recorder.TotalOps(OperationKind.Read),
            FailuresByKind = new SortedDictionary<string, long>(recorder.FailuresByKind.ToDictionary(), StringComparer.Ordinal),
            WrongReads = recorder.TotalWrong,
            BootstrapStreamedBytes = bootstrapBytes,
            DecommissionStreamedBytes = decommissionBytes,
            BootstrapSstablesStreamedWhole = streams.Files("bootstrap").Done,
            DecommissionSstablesStreamedWhole = streams.Files("decommission").Done,
            DecommissionStreamMibPerSec = streams.MiBPerSecond("decommission"),
            DecommissionReportedBytes = decommission?.StreamedBytes ?? 0,
            DecommissionMessage = decommission?.Message,
            JoinedNode = joinerEndpoint,
            DecommissionedNode = leaverEndpoint,
            OwnershipAfterJoin = ownershipAfterJoin,
            OwnershipAfterDecommission = ownershipAfterDecommission,
            PrimaryOwnershipAfterJoin = primaryAfterJoin,
            PrimaryOwnershipMaxOverMin = normalPrimary.Count > 1 ? Math.Round(normalPrimary.Max(o => o.Ownership) / normalPrimary.Min(o => o.Ownership), 3) : null,
            Before = before,
            Bootstrap = bootstrapPhase,
            Decommission = decommissionPhase,
            After = after,
            P99MsBootstrap = bootstrapPhase?.P99Ms ?? 0,
            P99MsDecommission = decommissionPhase?.P99Ms ?? 0,
            AckedLoadWrites = check.AckedLoad,
            LostLoadWrites = check.LostLoad,
            LostLoadedRows = check.LostBulk,
            WrongValues = check.Wrong,
            ReadBackErrors = check.Errors,
            ReadBackSeconds = check.Seconds,
            Events = events,
            Timeline = recorder.Points((int)Math.Ceiling(endAt)),
            StreamTimeline = streams.Samples,
            NodeLogTails = logTails,
        };
    }

    /// <summary>Polls node 0's Status until it reports the joining node NORMAL; its ownership view at that moment.</summary>
    private static async Task<IReadOnlyList<NodeOwnership>> WaitForNormalAsync(NodeProbe seed, NodeProcess joiner, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        string last = "not in the ring yet";
        while (deadline.Elapsed < timeout)
        {
            if (!joiner.IsRunning)
                throw new InvalidOperationException($"node{Joiner} exited while bootstrapping (last seen: {last}); log {joiner.LogPath}");
            try
            {
                var status = await seed.StatusAsync(Keyspace, CallTimeout, ct).ConfigureAwait(false);
                var me = status.Nodes.FirstOrDefault(n => n.Node.RpcAddress == joiner.Options.GrpcEndpoint);
                if (me is not null)
                {
                    last = $"{me.Node.Status} {me.Node.Liveness}";
                    if (me.Node.Status == "NORMAL") return Ownership(status);
                }
            }
            catch (RpcException e)
            {
                last = $"node 0 did not answer Status: {e.Status.Detail}";
            }
            await Task.Delay(250, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"node{Joiner} not NORMAL after {timeout.TotalSeconds:0} s (last seen: {last}); log {joiner.LogPath}");
    }

    private static List<NodeOwnership> Ownership(StatusResponse status) =>
        [.. status.Nodes.Select(n => new NodeOwnership(n.Node.RpcAddress, n.Node.Status, Math.Round(n.Ownership, 6))).OrderBy(o => o.Node, StringComparer.Ordinal)];

    private static async Task WaitForExitAsync(NodeProcess node, TimeSpan timeout, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (node.IsRunning && waited.Elapsed < timeout) await Task.Delay(200, ct).ConfigureAwait(false);
        if (node.IsRunning) AnsiConsole.MarkupLine(Markup.Escape($"node{node.Options.Index} still runs {timeout.TotalSeconds:0} s after its decommission; it is stopped at the end"));
    }

    private static Dictionary<string, string> LogTails(LocalClusterHost cluster, NodeProcess joiner, int lines) =>
        cluster.Nodes.Append(joiner).ToDictionary(n => $"node{n.Options.Index}", n => NodeProcess.Tail(n.LogPath, lines), StringComparer.Ordinal);

    private sealed record ReadBack(long AckedLoad, long LostLoad, long LostBulk, long Wrong, long Errors, double Seconds);

    /// <summary>
    /// Reads every partition that holds an acknowledged write (the bulk-loaded ones and the load's) in full at QUORUM
    /// (all pages) and counts the acknowledged rows that are missing or hold another value: both are lost writes. A
    /// partition that cannot be read (3 attempts) counts its rows as lost too, and as a read error.
    /// </summary>
    private static async Task<ReadBack> ReadBackAsync(RingStoreClient client, ReadingsTable table, BulkLoad bulk, BulkLoadResult loaded,
        IReadOnlyList<AckedWrite> ackedLoad, ScaleOutSettings s, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var work = new List<(long Id, string Bucket, IReadOnlyCollection<AckedWrite> Writes, int ValueBytes, bool Bulk)>();
        foreach (var (id, bucket, writes) in bulk.Expected(loaded.Acked)) work.Add((id, bucket, writes, s.LoadValueBytes, true));
        foreach (var g in ackedLoad.GroupBy(w => (w.Id, w.Bucket))) work.Add((g.Key.Id, g.Key.Bucket, [.. g], s.ValueBytes, false));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"read-back at QUORUM: {work.Count:N0} partitions, {loaded.Rows:N0} bulk rows + {ackedLoad.Count:N0} load writes")));
        long lostLoad = 0, lostBulk = 0, wrong = 0, errors = 0, done = 0;
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (p, c) =>
        {
            ReadResponse? response = null;
            for (int attempt = 1; attempt <= 3 && response is null; attempt++)
            {
                try
                {
                    response = await PagedRead.AllPagesAsync((r, t) => client.ReadAsync(r, t), table.FullRead(p.Id, p.Bucket, 0, Consistency.Quorum), c).ConfigureAwait(false);
                }
                catch (RingStoreException e) when (!c.IsCancellationRequested)
                {
                    if (attempt == 3) failures.Enqueue($"({p.Id}, {p.Bucket}): {e.Message}");
                    else await Task.Delay(500, c).ConfigureAwait(false);
                }
            }
            long lost;
            if (response is null)
            {
                Interlocked.Increment(ref errors);
                lost = p.Writes.Count;
            }
            else
            {
                var result = PartitionCheck.Compare(p.Writes, response, p.ValueBytes);
                lost = result.Missing + result.WrongValue;
                Interlocked.Add(ref wrong, result.WrongValue);
            }
            Interlocked.Add(ref p.Bulk ? ref lostBulk : ref lostLoad, lost);
            long n = Interlocked.Increment(ref done);
            if (n % 2000 == 0) ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture, $"read-back: {n:N0} of {work.Count:N0} partitions"));
        }).ConfigureAwait(false);
        foreach (var f in failures.Take(5)) AnsiConsole.MarkupLine(Markup.Escape($"read-back error {f}"));
        ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
            $"read-back: {work.Count:N0} partitions in {clock.Elapsed.TotalSeconds:0.0} s, lost {lostBulk} bulk rows + {lostLoad} load writes, {wrong} wrong, {errors} read errors"), final: true);
        return new ReadBack(ackedLoad.Count, lostLoad, lostBulk, wrong, errors, Math.Round(clock.Elapsed.TotalSeconds, 1));
    }
}
