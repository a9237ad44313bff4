using HdrHistogram;
using System.Diagnostics;
using System.Globalization;
using RingStore.Bench.FailureInjection;
using RingStore.Bench.Load;
using RingStore.Bench.Measurement;
using RingStore.Bench.NodeFailure;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client;
using RingStore.Client.Protos;
using RingStore.LocalCluster;
using Spectre.Console;
using LoadRequest = RingStore.Bench.Load.LoadRequest; // not the gRPC Load call's request

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench node-failure [--nodes 3|5] [--kill 1|2] [--partition | --pause [--pause-seconds 10]] [--kill-at 10] [--restart-at 40] [--duration 60]`:
/// steady mixed load at QUORUM through the SDK while nodes are SIGKILLed (cut off the network, or frozen by SIGSTOP)
/// and brought back (restart, heal, SIGCONT); measures failed requests, throughput and latency before/during/after,
/// failure detection time, hints and read repairs, then reads every partition back at QUORUM (lost writes, rows
/// applied twice or never written) and every acknowledged write from every replica.
/// </summary>
public static class NodeFailureScenario
{
    private const string Keyspace = "failure";

    public static int Run(string[] args)
    {
        var settings = NodeFailureSettings.Parse(new Args(args));
        var run = RunInfo.Now("node-failure", args);
        return ScenarioRuntime.Run(ct => RunAsync(settings, run, ct));
    }

    private static async Task<int> RunAsync(NodeFailureSettings s, RunInfo run, CancellationToken ct)
    {
        string outDir = s.ResultDirectory;
        string dataRoot = Path.Combine(Path.GetTempPath(), $"ringstore-bench-failure-{Environment.ProcessId}");
        string? partitionAvailability = null;
        if (s.Partition)
        {
            partitionAvailability = IpCommand.NamespacesUnavailableReason() is { } reason ? $"not available on this machine: {reason}" : "available: network namespaces";
            if (partitionAvailability.StartsWith("not", StringComparison.Ordinal))
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(partitionAvailability)}[/]");
                ResultJson.Write(Path.Combine(outDir, "node-failure.json"), Unavailable(s, run, partitionAvailability));
                return 0;
            }
        }
        using IBenchCluster cluster = s.Partition
            ? new NamespaceBenchCluster(s.Nodes, s.BasePort, s.BasePort + 100, dataRoot, "benchfail")
            : new LocalBenchCluster(new LocalClusterOptions
            {
                Nodes = s.Nodes,
                InternodeBasePort = s.BasePort,
                GrpcBasePort = s.BasePort + 100,
                DataRoot = dataRoot,
                ClusterName = "benchfail",
            });
        AnsiConsole.MarkupLine(Markup.Escape($"node-failure: {s.Nodes} nodes, RF {s.ReplicationFactor}, {s.Consistency}, {s.Fault} {string.Join(',', s.Victims.Select(v => $"node{v}"))} at {s.KillAtSeconds} s, back at {s.RestartAtSeconds} s, {s.DurationSeconds} s; load avg {run.LoadAverageAtStart:0.0}"));
        var probes = cluster.GrpcEndpoints.Select(e => new NodeProbe(e)).ToList();
        try
        {
            await cluster.StartAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
            AnsiConsole.WriteLine(cluster.ToString() ?? "");
            var result = await MeasureAsync(cluster, probes, s, run, partitionAvailability, ct).ConfigureAwait(false);
            NodeFailureReport.Write(outDir, result);
            NodeFailureReport.PrintSummary(result);
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(outDir)}[/]: node-failure.json, throughput.png, latency.png, report.md");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or Grpc.Core.RpcException or RingStoreException)
        {
            AnsiConsole.MarkupLine($"[red]node-failure failed:[/] {Markup.Escape(e.Message)}");
            for (int i = 0; i < cluster.Count; i++) AnsiConsole.WriteLine($"--- node{i} log tail:{Environment.NewLine}{cluster.LogTail(i, 8)}");
            return 1;
        }
        finally
        {
            // A frozen node ignores SIGTERM until it runs again: thaw it on any way out (SIGCONT to a running process does nothing).
            if (s.Pause)
            {
                foreach (int v in s.Victims.Where(cluster.IsRunning))
                {
                    try { cluster.Resume(v); }
                    catch (InvalidOperationException) { }
                }
            }
            foreach (var p in probes) p.Dispose();
            await cluster.StopAllAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            try { Directory.Delete(dataRoot, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<NodeFailureResult> MeasureAsync(IBenchCluster cluster, List<NodeProbe> probes, NodeFailureSettings s, RunInfo run,
        string? partitionAvailability, CancellationToken ct)
    {
        var table = new ReadingsTable(Keyspace, "readings");
        var consistency = Cluster.ClusterBenchSettings.ToProto(s.Consistency);
        await using var client = await RingStoreClient.ConnectAsync(new RingStoreClientOptions
        {
            ContactPoints = cluster.GrpcEndpoints,
            DefaultConsistency = consistency,
            RequestTimeout = TimeSpan.FromSeconds(5),
            MetadataRefreshInterval = TimeSpan.FromSeconds(1),
        }, ct).ConfigureAwait(false);
        await SchemaSetup.CreateAsync(probes, Keyspace, s.ReplicationFactor, [table], client, ct).ConfigureAwait(false);
        var metadataBefore = client.Metadata;

        var victims = s.Victims;
        var victimAddresses = victims.Select(v => cluster.GrpcEndpoints[v]).ToList();
        var live = Enumerable.Range(0, s.Nodes).Except(victims).ToList();
        var clock = Stopwatch.StartNew();
        var watch = new ClusterWatch(probes, clock);
        var metricsAtStart = await watch.MetricsAsync(Enumerable.Range(0, s.Nodes), ct).ConfigureAwait(false);

        var acked = new AckedWriteLog();
        var issued = new System.Collections.Concurrent.ConcurrentQueue<(long Id, string Bucket, long TimestampMillis)>();
        var workload = new TimeSeriesWorkload(new UniformDistribution(s.Ids), 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(1), TimeSpan.Zero);
        var recorder = new TimelineRecorder(s.DurationSeconds + 30);
        LoadRequest Plan(Random random)
        {
            if (random.NextDouble() < s.ReadFraction && acked.Pick(random) is { } w)
            {
                var read = table.RangeRead(w.Id, w.Bucket, w.TimestampMillis, w.TimestampMillis, 0, consistency);
                return new LoadRequest(OperationKind.Read, async c => PartitionCheck.Holds(w, await client.ReadAsync(read, c).ConfigureAwait(false), s.ValueBytes));
            }
            var op = workload.Next(random);
            var mutation = table.Write(op.Id, op.Bucket, op.TimestampMillis, s.ValueBytes, 0);
            issued.Enqueue((op.Id, op.Bucket, op.TimestampMillis));
            return new LoadRequest(OperationKind.Write, async c =>
            {
                await client.MutateAsync([mutation], consistency, c).ConfigureAwait(false);
                acked.Add(new AckedWrite(op.Id, op.Bucket, op.TimestampMillis, AckedAtSeconds: clock.Elapsed.TotalSeconds));
                return true;
            });
        }

        var events = new List<PlotEvent>();
        long attemptsAtStart = client.RequestsPerNode.Values.Sum();
        var hintSamples = new List<HintSample>();
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = LoadRunner.RunAsync(s.Concurrency, TimeSpan.FromSeconds(s.DurationSeconds), s.Seed, Plan, recorder, elapsed =>
        {
            var points = recorder.Points((int)elapsed.TotalSeconds);
            var last = points.Count > 0 ? points[^1] : null;
            ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
                $"{elapsed.TotalSeconds,3:0} s  {last?.Ops ?? 0,6} ops/s  p99 {last?.P99Ms ?? 0,7:0.0} ms  failed {recorder.TotalFailed}  wrong {recorder.TotalWrong}  acked writes {acked.Count}"));
        }, ct);
        var sampler = SampleHintsAsync(watch, live, victimAddresses, clock, hintSamples, stopSampling.Token);

        // The fault.
        await DelayUntil(clock, s.KillAtSeconds, ct).ConfigureAwait(false);
        var metricsAtFault = await watch.MetricsAsync(victims, ct).ConfigureAwait(false);
        double faultAt = clock.Elapsed.TotalSeconds;
        foreach (int v in victims)
        {
            if (s.Partition) await cluster.PartitionAsync(v, ct).ConfigureAwait(false);
            else if (s.Pause) cluster.Pause(v);
            else cluster.Kill(v);
        }
        events.Add(new PlotEvent(faultAt, s.Fault switch { "partition" => $"partition {Names(victims)}", "pause" => $"SIGSTOP {Names(victims)}", _ => $"SIGKILL {Names(victims)}" }));
        // A pause must end on time whatever the detector does: watch for DOWN only until just before the SIGCONT.
        var downWait = s.Pause ? TimeSpan.FromSeconds(s.PauseSeconds - 0.2) : TimeSpan.FromSeconds(Math.Max(5, s.RestartAtSeconds - s.KillAtSeconds - 1));
        var downSeen = await watch.WaitForLivenessAsync(live, victimAddresses, "DOWN", downWait, ct).ConfigureAwait(false);
        double? allDown = downSeen.Values.All(v => v is not null) ? downSeen.Values.Max() : null;
        if (allDown is { } d) events.Add(new PlotEvent(d, "all live nodes mark it DOWN"));

        // The recovery.
        await DelayUntil(clock, s.RestartAtSeconds, ct).ConfigureAwait(false);
        double restartAt = clock.Elapsed.TotalSeconds;
        events.Add(new PlotEvent(restartAt, s.Fault switch { "partition" => "heal", "pause" => "SIGCONT", _ => "restart" }));
        for (int k = 0; k < victims.Count; k++)
        {
            if (s.Partition) await cluster.HealAsync(victims[k], ct).ConfigureAwait(false);
            else if (s.Pause) cluster.Resume(victims[k]);
            else await cluster.RestartNodeAsync(victims[k], s.Nodes - victims.Count + k + 1, TimeSpan.FromSeconds(90), ct).ConfigureAwait(false);
        }
        double readyAt = clock.Elapsed.TotalSeconds;
        if (s.Fault == "kill") events.Add(new PlotEvent(readyAt, "restarted node ready"));
        var upSeen = await watch.WaitForLivenessAsync(live, victimAddresses, "UP", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        double? drainedAt = await WaitForDrainAsync(watch, live, victimAddresses, clock, TimeSpan.FromSeconds(Math.Max(5, s.DurationSeconds - clock.Elapsed.TotalSeconds + 60)), ct).ConfigureAwait(false);
        if (drainedAt is { } drained) events.Add(new PlotEvent(drained, "hints drained"));

        await load.ConfigureAwait(false);
        ScenarioRuntime.Progress($"load done: {recorder.TotalOps()} requests, {recorder.TotalFailed} failed, {recorder.TotalWrong} wrong", final: true);
        await stopSampling.CancelAsync().ConfigureAwait(false);
        try { await sampler.ConfigureAwait(false); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        var metricsAtEnd = await watch.MetricsAsync(Enumerable.Range(0, s.Nodes), ct).ConfigureAwait(false);
        run.LoadAverageAtEnd = MachineInfo.LoadAverage1m();
        long attemptsSent = client.RequestsPerNode.Values.Sum() - attemptsAtStart;
        long requestsIssued = recorder.TotalOps() + recorder.TotalFailed;

        var ackedWrites = acked.Snapshot();
        AnsiConsole.MarkupLine(Markup.Escape($"QUORUM read-back: {issued.Count} writes issued, {ackedWrites.Count} acknowledged, every partition read in full"));
        var quorum = await QuorumReadBack.RunAsync(client, table, ackedWrites, [.. issued], s.ValueBytes, ct).ConfigureAwait(false);
        AnsiConsole.MarkupLine(Markup.Escape($"QUORUM read-back: {quorum.RowsRead} rows, {quorum.AckedMissingOrWrong} acknowledged missing or wrong, {quorum.UnexpectedRows} unexpected, {quorum.WrongValues} wrong values, {quorum.DuplicateRows} duplicates"));
        AnsiConsole.MarkupLine(Markup.Escape($"read-back: {ackedWrites.Count} acknowledged writes, each from every replica at ONE, one node running at a time"));
        var readBack = await ReplicaReadBack.RunAsync(cluster, probes, metadataBefore, table, ackedWrites, s.ValueBytes,
            line => AnsiConsole.WriteLine(line), ct).ConfigureAwait(false);

        long Sum(Func<NodeMetrics, long> field) => CounterDelta.Sum(metricsAtStart, metricsAtFault, metricsAtEnd, s.Partition ? [] : victims, field);
        int seconds = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);
        // A pause ends at SIGCONT; a kill when the restarted node is ready. Whole seconds: [fault, end).
        var during = s.Pause ? Phase(recorder, faultAt, Math.Floor(restartAt)) : Phase(recorder, faultAt, readyAt);
        var steady = Phase(recorder, Math.Ceiling(faultAt / 2), Math.Floor(faultAt));
        return new NodeFailureResult
        {
            FailedRequests = recorder.TotalFailed,
            LostWrites = quorum.Lost.Union(readBack.Lost).LongCount(),
            Run = run,
            Fault = s.Fault,
            PartitionAvailability = partitionAvailability,
            Nodes = s.Nodes,
            Rf = s.ReplicationFactor,
            Consistency = s.Consistency,
            Concurrency = s.Concurrency,
            ReadFraction = s.ReadFraction,
            Victims = victims,
            KillAtS = Math.Round(faultAt, 3),
            RestartAtS = Math.Round(restartAt, 3),
            DurationS = s.DurationSeconds,
            Writes = recorder.TotalOps(OperationKind.Write),
            Reads = recorder.TotalOps(OperationKind.Read),
            OpsPerSec = Math.Round(recorder.TotalOps() / (double)s.DurationSeconds, 1),
            FailuresByKind = new SortedDictionary<string, long>(recorder.FailuresByKind.ToDictionary(), StringComparer.Ordinal),
            WrongReads = recorder.TotalWrong,
            Steady = steady,
            UntilMarkedDown = allDown is { } downAt && downAt - faultAt >= 1 ? Phase(recorder, faultAt, Math.Floor(downAt)) : null,
            ThroughputDuringFaultFraction = steady.OpsPerSec > 0 ? Math.Round(during.OpsPerSec / steady.OpsPerSec, 3) : null,
            RequestsIssued = requestsIssued,
            AttemptsSent = attemptsSent,
            ExtraAttempts = attemptsSent - requestsIssued,
            QuorumReadBack = quorum,
            Before = Phase(recorder, 0, faultAt),
            During = during,
            After = Phase(recorder, readyAt, s.DurationSeconds),
            SecondsUntilMarkedDown = live.ToDictionary(o => $"node{o}", o => Since(downSeen[o], faultAt)),
            SecondsUntilAllMarkedDown = Since(allDown, faultAt),
            SecondsUntilMarkedUpAfterRestart = live.ToDictionary(o => $"node{o}", o => Since(upSeen[o], restartAt)),
            SecondsUntilRestartedNodeReady = Math.Round(readyAt - restartAt, 3),
            HintsStored = Sum(m => m.HintsStored),
            HintsReplayed = Sum(m => m.HintsReplayed),
            HintsDropped = Sum(m => m.HintsDropped),
            HintsPendingPeak = hintSamples.Count == 0 ? 0 : hintSamples.Max(h => h.Pending),
            HintDrainSeconds = Since(drainedAt, restartAt),
            ReadRepairs = Sum(m => m.ReadRepairs),
            Unavailables = Sum(m => m.Unavailables),
            WriteTimeouts = Sum(m => m.WriteTimeouts),
            ReadTimeouts = Sum(m => m.ReadTimeouts),
            ReadBack = readBack,
            Events = events,
            Timeline = recorder.Points(Math.Min(seconds, s.DurationSeconds)),
            HintsPendingTimeline = [.. hintSamples],
        };
    }

    private static PhaseFigures Phase(TimelineRecorder recorder, double from, double to) => PhaseFigures.Of(recorder, from, to);

    private static double? Since(double? at, double from) => at is { } t ? Math.Round(Math.Max(0, t - from), 3) : null;

    private static string Names(IEnumerable<int> nodes) => string.Join(", ", nodes.Select(n => $"node{n}"));

    /// <summary>
    /// Returns once <paramref name="clock"/> has reached <paramref name="seconds"/>: a timer may fire a little before the
    /// stopwatch gets there (a SIGCONT at 7.999 s made the pause window end at second 7), so wait again until it has.
    /// </summary>
    private static async Task DelayUntil(Stopwatch clock, double seconds, CancellationToken ct)
    {
        for (var wait = TimeSpan.FromSeconds(seconds) - clock.Elapsed; wait > TimeSpan.Zero; wait = TimeSpan.FromSeconds(seconds) - clock.Elapsed)
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, ct).ConfigureAwait(false);
    }

    private static async Task SampleHintsAsync(ClusterWatch watch, IReadOnlyList<int> live, IReadOnlyList<string> victims, Stopwatch clock,
        List<HintSample> samples, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            long pending = await watch.HintsPendingAsync(live, victims, ct).ConfigureAwait(false);
            lock (samples) samples.Add(new HintSample(Math.Round(clock.Elapsed.TotalSeconds, 2), pending));
            await Task.Delay(500, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Polls until no live node holds hints for the failed nodes; the clock time it happened, or null.</summary>
    private static async Task<double?> WaitForDrainAsync(ClusterWatch watch, IReadOnlyList<int> live, IReadOnlyList<string> victims, Stopwatch clock,
        TimeSpan timeout, CancellationToken ct)
    {
        var deadline = clock.Elapsed + timeout;
        while (clock.Elapsed < deadline)
        {
            if (await watch.HintsPendingAsync(live, victims, ct).ConfigureAwait(false) == 0) return clock.Elapsed.TotalSeconds;
            await Task.Delay(250, ct).ConfigureAwait(false);
        }
        return null;
    }

    private static NodeFailureResult Unavailable(NodeFailureSettings s, RunInfo run, string availability) => new()
    {
        Run = run,
        Fault = "partition",
        PartitionAvailability = availability,
        Nodes = s.Nodes,
        Rf = s.ReplicationFactor,
        Consistency = s.Consistency,
        Victims = s.Victims,
        FailuresByKind = new Dictionary<string, long>(),
        Before = new PhaseFigures(0, 0, 0, 0, 0, 0, 0, 0),
        During = new PhaseFigures(0, 0, 0, 0, 0, 0, 0, 0),
        After = new PhaseFigures(0, 0, 0, 0, 0, 0, 0, 0),
        SecondsUntilMarkedDown = new Dictionary<string, double?>(),
        SecondsUntilMarkedUpAfterRestart = new Dictionary<string, double?>(),
        ReadBack = new ReadBackResult { PerNode = [] },
        Events = [],
        Timeline = [],
        HintsPendingTimeline = [],
        Error = availability,
    };
}
