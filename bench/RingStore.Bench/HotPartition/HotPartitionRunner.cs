using System.Globalization;
using RingStore.Bench.Load;
using RingStore.Bench.Measurement;
using RingStore.Bench.Scenarios;
using RingStore.Bench.Verification;
using RingStore.Bench.Workloads;
using RingStore.Client;
using RingStore.Client.Protos;
using LoadRequest = RingStore.Bench.Load.LoadRequest; // not the gRPC Load call's request

namespace RingStore.Bench.HotPartition;

/// <summary>
/// One hot-partition run on a running cluster: a fresh table, Zipfian time-series load through the SDK (the given
/// ids salted through <see cref="SaltedPartitions"/>), per-node counters and CPU before and after, the cluster's
/// top partitions, and a read-back of every acknowledged write at QUORUM.
/// </summary>
public sealed class HotPartitionRunner(HotPartitionSettings settings, RingStoreClient client, IReadOnlyList<NodeProbe> probes, Func<int, int?> pidOf)
{
    public const string Keyspace = "hot";

    public async Task<HotPartitionRun> RunAsync(double exponent, IReadOnlyList<long> saltedIds, double timelineOffset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(saltedIds);
        string mode = saltedIds.Count > 0 ? "salted" : "base";
        var table = new ReadingsTable(Keyspace, string.Create(CultureInfo.InvariantCulture, $"zipf_{exponent:0.00}_{mode}").Replace('.', '_'));
        await SchemaSetup.CreateAsync(probes, Keyspace, settings.ReplicationFactor, [table], client, ct).ConfigureAwait(false);
        var consistency = Cluster.ClusterBenchSettings.ToProto(settings.Consistency);
        var ids = new ZipfianDistribution(settings.Ids, exponent);
        var workload = new TimeSeriesWorkload(ids, settings.ReadFraction, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var salts = new SaltedPartitions(settings.SaltCount);
        var salted = saltedIds.ToHashSet();
        var acked = new AckedWriteLog();
        var recorder = new TimelineRecorder(settings.DurationSeconds + 30);

        LoadRequest Plan(Random random)
        {
            var op = workload.Next(random);
            bool salt = salted.Contains(op.Id);
            if (op.Kind == OperationKind.Read)
            {
                var read = table.RangeRead(op.Id, op.Bucket, op.ReadFromMillis, op.ReadToMillis, salt ? null : 0, consistency);
                return new LoadRequest(OperationKind.Read, async c =>
                {
                    if (salt) await salts.ReadAsync(client, read, c).ConfigureAwait(false);
                    else await client.ReadAsync(read, c).ConfigureAwait(false);
                    return true;
                });
            }
            var write = table.Write(op.Id, op.Bucket, op.TimestampMillis, settings.ValueBytes, salt ? null : 0);
            return new LoadRequest(OperationKind.Write, async c =>
            {
                if (salt) await salts.MutateAsync(client, write, consistency, c).ConfigureAwait(false);
                else await client.MutateAsync([write], consistency, c).ConfigureAwait(false);
                acked.Add(new AckedWrite(op.Id, op.Bucket, op.TimestampMillis, salt));
                return true;
            });
        }

        var before = await NodeSnapshot.TakeAsync(probes, pidOf, ct).ConfigureAwait(false);
        string label = string.Create(CultureInfo.InvariantCulture, $"e={exponent:0.0} {mode}");
        await LoadRunner.RunAsync(settings.Concurrency, TimeSpan.FromSeconds(settings.DurationSeconds), settings.Seed, Plan, recorder, elapsed =>
        {
            var points = recorder.Points((int)elapsed.TotalSeconds);
            var last = points.Count > 0 ? points[^1] : null;
            ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {elapsed.TotalSeconds,3:0} s  {last?.Ops ?? 0,6} ops/s  p99 {last?.P99Ms ?? 0,7:0.0} ms  failed {recorder.TotalFailed}"));
        }, ct).ConfigureAwait(false);
        var after = await NodeSnapshot.TakeAsync(probes, pidOf, ct).ConfigureAwait(false);
        long requests = recorder.TotalOps();
        var all = recorder.Window(0, recorder.MaxSeconds);
        ScenarioRuntime.Progress(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {requests / (double)settings.DurationSeconds:N0} ops/s, p99 {TimelineRecorder.PercentileMs(all, 99):0.0} ms, {recorder.TotalFailed} failed; checking {acked.Count} acknowledged writes"), final: true);

        string fullName = $"{table.Keyspace}.{table.Table}";
        var perNode = before.Zip(after, (b, a) => NodeLoad.Between(b, a, fullName)).ToList();
        var topPerNode = TopPartitionsView.PerNode([.. after.Select(a => (a.Node, a.Metrics))], fullName);
        var check = await CheckAsync(table, salts, acked.Snapshot(), ct).ConfigureAwait(false);

        return new HotPartitionRun
        {
            Exponent = exponent,
            Mode = mode,
            Table = fullName,
            ExpectedShareTop1 = Math.Round(ids.ShareOfTop(1), 4),
            ExpectedShareTopHot = Math.Round(ids.ShareOfTop(settings.HotKeys), 4),
            SaltedIds = saltedIds,
            Requests = requests,
            OpsPerSec = Math.Round(requests / (double)settings.DurationSeconds, 1),
            P50Ms = TimelineRecorder.PercentileMs(all, 50),
            P99Ms = TimelineRecorder.PercentileMs(all, 99),
            FailedRequests = recorder.TotalFailed,
            FailuresByKind = new SortedDictionary<string, long>(recorder.FailuresByKind.ToDictionary(), StringComparer.Ordinal),
            PerNode = perNode,
            Skew = SkewFigures.Of(perNode),
            TopPartitionsCluster = TopPartitionsView.ClusterWide(topPerNode, 10),
            TopPartitionsPerNode = topPerNode,
            AckedWrites = check.Expected,
            PartitionsChecked = check.Partitions,
            MissingWrites = check.Missing,
            WrongValues = check.Wrong,
            CheckReadErrors = check.Errors,
            TimelineOffsetS = timelineOffset,
            Timeline = recorder.Points(settings.DurationSeconds),
        };
    }

    /// <summary>Reads every partition the run wrote at QUORUM (salted ones through the helper) and compares with the acknowledged writes.</summary>
    private async Task<(long Partitions, long Expected, long Missing, long Wrong, long Errors)> CheckAsync(ReadingsTable table, SaltedPartitions salts,
        IReadOnlyList<AckedWrite> acked, CancellationToken ct)
    {
        var groups = acked.GroupBy(w => (w.Id, w.Bucket, w.Salted)).ToList();
        long expected = 0, missing = 0, wrong = 0, errors = 0;
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (group, c) =>
        {
            try
            {
                var read = table.FullRead(group.Key.Id, group.Key.Bucket, group.Key.Salted ? null : 0, Consistency.Quorum);
                var response = group.Key.Salted
                    ? await salts.ReadAsync(client, read, c).ConfigureAwait(false)
                    : await ReadAllPagesAsync(read, c).ConfigureAwait(false);
                var result = PartitionCheck.Compare([.. group], response, settings.ValueBytes);
                Interlocked.Add(ref expected, result.Expected);
                Interlocked.Add(ref missing, result.Missing);
                Interlocked.Add(ref wrong, result.WrongValue);
            }
            catch (RingStoreException)
            {
                Interlocked.Increment(ref errors);
                Interlocked.Add(ref expected, group.Count());
                Interlocked.Add(ref missing, group.Count());
            }
        }).ConfigureAwait(false);
        return (groups.Count, expected, missing, wrong, errors);
    }

    private async Task<ReadResponse> ReadAllPagesAsync(ReadRequest read, CancellationToken ct)
    {
        var all = await client.ReadAsync(read, ct).ConfigureAwait(false);
        var page = all;
        for (int pages = 0; !page.PagingState.IsEmpty && pages < 10_000; pages++)
        {
            var next = read.Clone();
            next.PagingState = page.PagingState;
            page = await client.ReadAsync(next, ct).ConfigureAwait(false);
            all.Rows.AddRange(page.Rows);
        }
        return all;
    }
}
