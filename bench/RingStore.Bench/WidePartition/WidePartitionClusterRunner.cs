using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using RingStore.Bench.Measurement;
using RingStore.Client;
using RingStore.Client.Protos;
using ClientRow = RingStore.Client.Row;

namespace RingStore.Bench.WidePartition;

/// <summary>
/// The wide-partition measurements through node processes: the SDK (token-aware, so the coordinator is a replica)
/// writes one partition of --rows rows and one of --small-rows at ALL, every node flushes and major-compacts (one
/// SSTable each), then every read goes through a coordinator at --consistency while each node's resident set is sampled.
/// </summary>
public sealed class WidePartitionClusterRunner(WidePartitionSettings settings, RingStoreClient client, IReadOnlyList<NodeProbe> probes, Func<int, int?> pidOf)
{
    private const string Keyspace = "bench";
    private const string Table = "wide";
    private const string WideId = "wide";
    private const string SmallId = "small";

    /// <summary>Growth of one node's resident set during one phase (peak minus the value before it).</summary>
    public sealed record NodeGrowth(string Phase, int Node, long VmRssBytes, long RssAnonBytes);

    public sealed record Result(double LoadSeconds, double WideSliceP50Ms, double WideSliceP99Ms, double SmallSliceP50Ms, double SmallSliceP99Ms,
        double PagedRowsPerSecond, double CountRowsPerSecond, double InP50Ms, double Limit10P50Ms, double Limit10P99Ms,
        double Limit10AtWideP50Ms, double Limit10AtWideP99Ms, IReadOnlyList<NodeGrowth> Growth);

    private readonly List<NodeGrowth> _growth = [];

    public async Task<Result> RunAsync(CancellationToken ct)
    {
        await client.ExecuteAsync(new SimpleStatement(
            $"CREATE KEYSPACE IF NOT EXISTS {Keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {settings.ReplicationFactor}}}"), ct).ConfigureAwait(false);
        await client.ExecuteAsync(new SimpleStatement(
            $"CREATE TABLE IF NOT EXISTS {Keyspace}.{Table} (id text, ck bigint, value blob, PRIMARY KEY (id, ck))"), ct).ConfigureAwait(false);
        double loadSeconds = await LoadAsync(ct).ConfigureAwait(false);
        await CompactAsync(ct).ConfigureAwait(false);

        var slice = await client.PrepareAsync($"SELECT ck, value FROM {Keyspace}.{Table} WHERE id = ? AND ck >= ? LIMIT {settings.SliceRows}", ct).ConfigureAwait(false);
        var (wide, small) = await PhaseAsync("slices", () => SliceLatencyAsync(slice, ct)).ConfigureAwait(false);
        var (wideP50, wideP99) = wide;
        var (smallP50, smallP99) = small;
        double paged = await PhaseAsync("paged read", () => PagedReadAsync(ct)).ConfigureAwait(false);
        double count = await PhaseAsync("COUNT(*)", () => CountAsync(ct)).ConfigureAwait(false);
        double inP50 = await PhaseAsync("IN", () => InAsync(ct)).ConfigureAwait(false);
        var (limitP50, limitP99) = await PhaseAsync("LIMIT 10 scan", () => Limit10Async("", ct)).ConfigureAwait(false);
        // The same scan started at the wide partition's token: what reading into the wide partition costs, without
        // the empty vnode ranges a scan from the ring's start walks before it meets a partition.
        long wideToken = client.Metadata.TokenOf(Keyspace, Table, [new Value { Text = WideId }])?.Value
            ?? throw new InvalidOperationException("the client does not know the table's partition key");
        var (atWideP50, atWideP99) = await PhaseAsync("LIMIT 10 scan from the wide partition", () =>
            Limit10Async(string.Create(CultureInfo.InvariantCulture, $" WHERE token(id) >= {wideToken}"), ct)).ConfigureAwait(false);
        return new Result(loadSeconds, wideP50, wideP99, smallP50, smallP99, paged, count, inP50, limitP50, limitP99, atWideP50, atWideP99, _growth);
    }

    private async Task<double> LoadAsync(CancellationToken ct)
    {
        var value = new byte[settings.ValueBytes];
        Random.Shared.NextBytes(value);
        var shared = UnsafeByteOperations.UnsafeWrap(value);
        const int batch = 1000;
        int next = 0;
        int batches = (settings.Rows + batch - 1) / batch;
        var sw = Stopwatch.StartNew();
        async Task Worker()
        {
            while (true)
            {
                int b = Interlocked.Increment(ref next) - 1;
                if (b >= batches) return;
                await client.MutateAsync([Mutation(WideId, (long)b * batch, Math.Min(settings.Rows, (b + 1L) * batch), shared)], Consistency.All, ct).ConfigureAwait(false);
                if (b % 100 == 0) Scenarios.ScenarioRuntime.Progress($"loading: {(long)b * batch:N0} / {settings.Rows:N0} rows");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Worker())).ConfigureAwait(false);
        await client.MutateAsync([Mutation(SmallId, 0, settings.SmallRows, shared)], Consistency.All, ct).ConfigureAwait(false);
        Scenarios.ScenarioRuntime.Progress($"loaded {settings.Rows:N0} + {settings.SmallRows:N0} rows at ALL in {sw.Elapsed.TotalSeconds:F1} s", final: true);
        return sw.Elapsed.TotalSeconds;
    }

    private static Mutation Mutation(string id, long from, long to, ByteString value)
    {
        var m = new Mutation { Keyspace = Keyspace, Table = Table, PartitionKey = { new Value { Text = id } } };
        for (long ck = from; ck < to; ck++)
        {
            var row = new RowWrite { Clustering = { new Value { Bigint = ck } } };
            row.Cells["value"] = new Value { Blob = value };
            m.Rows.Add(row);
        }
        return m;
    }

    /// <summary>Every node flushes and major-compacts the table, so each reads its copy from one SSTable.</summary>
    private async Task CompactAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        foreach (var probe in probes)
        {
            await probe.Api.FlushAsync(new FlushRequest { Keyspace = Keyspace, Table = Table }, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
            await probe.Api.CompactAsync(new CompactRequest { Keyspace = Keyspace, Table = Table }, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: ct).ResponseAsync.ConfigureAwait(false);
        }
        Scenarios.ScenarioRuntime.Progress($"flushed and compacted on {probes.Count} nodes in {sw.Elapsed.TotalSeconds:F1} s", final: true);
    }

    /// <summary>Runs one phase with every node's resident set sampled; its growth per node is kept for the report.</summary>
    private async Task<T> PhaseAsync<T>(string phase, Func<Task<T>> run)
    {
        var pids = Enumerable.Range(0, probes.Count).Select(i => pidOf(i) ?? throw new InvalidOperationException($"node {i} is not running")).ToArray();
        using var sampler = new RingStore.LocalCluster.NodeRssSampler(pids);
        var result = await run().ConfigureAwait(false);
        sampler.Dispose();
        for (int i = 0; i < pids.Length; i++)
        {
            var g = sampler.Growth(i);
            _growth.Add(new NodeGrowth(phase, i, g.VmRssBytes, g.RssAnonBytes));
        }
        Scenarios.ScenarioRuntime.Progress($"{phase}: done", final: true);
        return result;
    }

    /// <summary>
    /// Middle slices of the wide and the small partition, alternating (one of each per round), so that whatever else
    /// the machine does at a moment weighs on both alike; p50/p99 of each in ms.
    /// </summary>
    private async Task<((double P50, double P99) Wide, (double P50, double P99) Small)> SliceLatencyAsync(PreparedStatement slice, CancellationToken ct)
    {
        var wide = new double[settings.Samples];
        var small = new double[settings.Samples];
        long wideFirst = settings.Rows / 2 - settings.SliceRows / 2, smallFirst = settings.SmallRows / 2 - settings.SliceRows / 2;
        for (int i = -10; i < settings.Samples; i++)
        {
            int offset = i < 0 ? 0 : i % 50;
            double w = await OneSliceAsync(slice, WideId, wideFirst + offset, ct).ConfigureAwait(false);
            double sm = await OneSliceAsync(slice, SmallId, Math.Min(smallFirst + offset, settings.SmallRows - settings.SliceRows), ct).ConfigureAwait(false);
            if (i < 0) continue;
            wide[i] = w;
            small[i] = sm;
        }
        return (Percentiles(wide), Percentiles(small));
    }

    private async Task<double> OneSliceAsync(PreparedStatement slice, string id, long start, CancellationToken ct)
    {
        long t0 = Stopwatch.GetTimestamp();
        var rs = await client.ExecuteAsync(slice.Bind(id, start), ct).ConfigureAwait(false);
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (rs.Rows.Count != settings.SliceRows || rs.Rows[0].Get<long>("ck") != start)
            throw new InvalidOperationException($"slice of {id} from {start} returned {rs.Rows.Count} rows, expected {settings.SliceRows}");
        return ms;
    }

    /// <summary>SELECT of the whole partition in pages of --page-size (values touched); rows/s, median of three.</summary>
    private async Task<double> PagedReadAsync(CancellationToken ct)
    {
        var rates = new double[3];
        for (int run = 0; run < rates.Length; run++)
        {
            var statement = new SimpleStatement($"SELECT ck, value FROM {Keyspace}.{Table} WHERE id = '{WideId}'") { PageSize = settings.PageSize, Timeout = TimeSpan.FromMinutes(1) };
            long rows = 0, bytes = 0;
            var sw = Stopwatch.StartNew();
            await foreach (ClientRow row in client.QueryAsync(statement, ct).ConfigureAwait(false))
            {
                if (row.Get<long>("ck") != rows) throw new InvalidOperationException($"paged read: row {rows} has ck {row.Get<long>("ck")}");
                bytes += row.Get<byte[]>("value").Length;
                rows++;
            }
            if (rows != settings.Rows) throw new InvalidOperationException($"paged read saw {rows} rows, expected {settings.Rows}");
            rates[run] = rows / sw.Elapsed.TotalSeconds;
        }
        Array.Sort(rates);
        return rates[1];
    }

    /// <summary>SELECT COUNT(*) of the partition (the node pages it internally); rows/s, median of three.</summary>
    private async Task<double> CountAsync(CancellationToken ct)
    {
        var rates = new double[3];
        for (int run = 0; run < rates.Length; run++)
        {
            var sw = Stopwatch.StartNew();
            var rs = await client.ExecuteAsync(new SimpleStatement($"SELECT COUNT(*) FROM {Keyspace}.{Table} WHERE id = '{WideId}'") { Timeout = TimeSpan.FromMinutes(2) }, ct).ConfigureAwait(false);
            long count = Convert.ToInt64(rs.Rows.Single()[0], CultureInfo.InvariantCulture);
            if (count != settings.Rows) throw new InvalidOperationException($"COUNT(*) = {count}, expected {settings.Rows}");
            rates[run] = count / sw.Elapsed.TotalSeconds;
        }
        Array.Sort(rates);
        return rates[1];
    }

    /// <summary>SELECT with ck IN (--in-values values spread over the partition), all pages; p50 of 20 in ms.</summary>
    private async Task<double> InAsync(CancellationToken ct)
    {
        long step = settings.Rows / settings.InValues;
        string list = string.Join(",", Enumerable.Range(0, settings.InValues).Select(i => (i * step + step / 2).ToString(CultureInfo.InvariantCulture)));
        var samples = new double[20];
        for (int i = -2; i < samples.Length; i++)
        {
            var statement = new SimpleStatement($"SELECT ck, value FROM {Keyspace}.{Table} WHERE id = '{WideId}' AND ck IN ({list})") { PageSize = settings.PageSize };
            long t0 = Stopwatch.GetTimestamp();
            int found = 0;
            await foreach (ClientRow _ in client.QueryAsync(statement, ct).ConfigureAwait(false)) found++;
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (found != settings.InValues) throw new InvalidOperationException($"IN found {found} of {settings.InValues} rows");
            if (i >= 0) samples[i] = ms;
        }
        return Percentiles(samples).P50;
    }

    /// <summary>SELECT ... LIMIT 10 over the whole table (a token-range scan that starts wherever the ring starts).</summary>
    private async Task<(double P50, double P99)> Limit10Async(string where, CancellationToken ct)
    {
        var samples = new double[Math.Max(10, settings.Samples / 3)];
        for (int i = -3; i < samples.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var rs = await client.ExecuteAsync(new SimpleStatement($"SELECT id, ck, value FROM {Keyspace}.{Table}{where} LIMIT 10"), ct).ConfigureAwait(false);
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (rs.Rows.Count != 10) throw new InvalidOperationException($"LIMIT 10 scan returned {rs.Rows.Count} rows");
            if (i >= 0) samples[i] = ms;
        }
        return Percentiles(samples);
    }

    private static (double P50, double P99) Percentiles(double[] samples)
    {
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)Math.Min(samples.Length - 1, Math.Ceiling(samples.Length * 0.99) - 1)]);
    }
}
