using System.Diagnostics;
using RingStore.Core.Data;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;

namespace RingStore.Bench.WidePartition;

/// <summary>
/// Drives the storage engine directly (in this process, commit log on): loads one wide and one small partition, then
/// measures reads of each while the rows are in the memtable and again once flushed to an SSTable.
/// </summary>
public sealed class WidePartitionRunner(WidePartitionSettings settings, string directory)
{
    public static readonly TableSchema Schema = new(
        "bench", "wide",
        [new ColumnDefinition("id", ColumnType.Text)],
        [new ClusteringColumn("ck", ColumnType.BigInt)],
        [new ColumnDefinition("value", ColumnType.Blob)],
        new TableOptions(),
        Guid.Parse("6c0f1a2b-3d4e-4f50-8a9b-0c1d2e3f4a5b"));

    private static readonly byte[] WideKey = "wide"u8.ToArray();
    private static readonly byte[] SmallKey = "small"u8.ToArray();

    public sealed record PhaseResult(string Where, double WideSliceP50Ms, double WideSliceP99Ms, double SmallSliceP50Ms, double SmallSliceP99Ms,
        double PagedRowsPerSecond, double CountRowsPerSecond, double InPerValueMs, double? InMultiSliceMs, long PeakRssGrowthBytes);

    public IReadOnlyList<PhaseResult> Run()
    {
        var options = new StorageEngineOptions
        {
            DataDirectory = directory,
            // Keep the whole load in one memtable for the memtable phase; the flush is explicit.
            MemtableFlushThresholdBytes = 1L << 30,
            BackgroundCompaction = false,
        };
        var results = new List<PhaseResult>();
        var engine = StorageEngine.Open(options, [Schema]);
        try
        {
            Load(engine);
            results.Add(Measure(engine, "memtable"));
            engine.FlushAsync().GetAwaiter().GetResult();
            results.Add(Measure(engine, "sstable"));
        }
        finally
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return results;
    }

    public static byte[] Clustering(long i) => ClusteringKeyCodec.Encode(Schema.Clustering, [i]);

    private void Load(StorageEngine engine)
    {
        var value = new byte[settings.ValueBytes];
        Random.Shared.NextBytes(value);
        const int batch = 1000;
        long ts = 1;
        var sw = Stopwatch.StartNew();
        for (int start = 0; start < settings.Rows; start += batch)
        {
            int n = Math.Min(batch, settings.Rows - start);
            var rows = new Row[n];
            for (int i = 0; i < n; i++) rows[i] = new Row(Clustering(start + i), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, value)]);
            ts++;
            engine.ApplyAsync(PartitionUpdate.OfRows(Schema.FullName, WideKey, rows)).AsTask().GetAwaiter().GetResult();
            if (start % 100_000 == 0) Scenarios.ScenarioRuntime.Progress($"loading: {start:N0} / {settings.Rows:N0} rows");
        }
        var small = new Row[settings.SmallRows];
        for (int i = 0; i < small.Length; i++) small[i] = new Row(Clustering(i), LivenessInfo.At(ts), DeletionTime.Live, [Cell.Live(0, ts, value)]);
        engine.ApplyAsync(PartitionUpdate.OfRows(Schema.FullName, SmallKey, small)).AsTask().GetAwaiter().GetResult();
        Scenarios.ScenarioRuntime.Progress($"loaded {settings.Rows:N0} + {settings.SmallRows:N0} rows in {sw.Elapsed.TotalSeconds:F1} s", final: true);
    }

    private PhaseResult Measure(StorageEngine engine, string where)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var rss = new PeakRssSampler();
        var (wideP50, wideP99) = SliceLatency(engine, WideKey, settings.Rows / 2);
        var (smallP50, smallP99) = SliceLatency(engine, SmallKey, settings.SmallRows / 2 - settings.SliceRows / 2);
        double paged = PagedRead(engine, countOnly: false);
        double count = PagedRead(engine, countOnly: true);
        double inPerValue = InPerValue(engine);
        double? inMulti = InMultiSlice(engine);
        var result = new PhaseResult(where, wideP50, wideP99, smallP50, smallP99, paged, count, inPerValue, inMulti, rss.GrowthBytes);
        return result;
    }

    private (double P50, double P99) SliceLatency(StorageEngine engine, byte[] key, long first)
    {
        var samples = new double[settings.Samples];
        for (int i = -10; i < samples.Length; i++)
        {
            long start = first + (i < 0 ? 0 : i % 50);
            var query = new SliceQuery(Schema.FullName, key,
                new ClusteringSlice(new ClusteringBound(Clustering(start), true), ClusteringBound.Unbounded), Limit: settings.SliceRows);
            long t0 = Stopwatch.GetTimestamp();
            int n = engine.Read(query).Rows.Count;
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (n != settings.SliceRows) throw new InvalidOperationException($"slice returned {n} rows, expected {settings.SliceRows}");
            if (i >= 0) samples[i] = ms;
        }
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)Math.Min(samples.Length - 1, Math.Ceiling(samples.Length * 0.99) - 1)]);
    }

    /// <summary>Pages through the wide partition as the node's COUNT(*) does (pages of --page-size); rows per second.</summary>
    private double PagedRead(StorageEngine engine, bool countOnly)
    {
        long rows = 0, bytes = 0;
        byte[]? after = null;
        var sw = Stopwatch.StartNew();
        do
        {
            var page = engine.Read(new SliceQuery(Schema.FullName, WideKey, ClusteringSlice.All, Limit: settings.PageSize, PagingState: after));
            rows += page.Rows.Count;
            if (!countOnly) foreach (var r in page.Rows) bytes += r.Cells[0].Value!.Length;
            after = page.PagingState;
        }
        while (after is not null);
        if (rows != settings.Rows) throw new InvalidOperationException($"paged read saw {rows} rows, expected {settings.Rows}");
        return rows / sw.Elapsed.TotalSeconds;
    }

    private byte[][] InKeys()
    {
        long step = settings.Rows / settings.InValues;
        return Enumerable.Range(0, settings.InValues).Select(i => Clustering(i * step + step / 2)).ToArray();
    }

    /// <summary>IN on clustering values read as the node did before multi-slice reads: one read per value.</summary>
    private double InPerValue(StorageEngine engine)
    {
        var keys = InKeys();
        var sw = Stopwatch.StartNew();
        int found = 0;
        foreach (var k in keys)
            found += engine.Read(new SliceQuery(Schema.FullName, WideKey, ClusteringSlice.Exactly(k), Limit: 1)).Rows.Count;
        if (found != keys.Length) throw new InvalidOperationException($"IN found {found} of {keys.Length} rows");
        return sw.Elapsed.TotalMilliseconds;
    }

    /// <summary>The same IN as one multi-slice read (what the node does now), paged as the node pages it.</summary>
    private double? InMultiSlice(StorageEngine engine)
    {
        var slices = InKeys().Select(ClusteringSlice.Exactly).ToArray();
        var sw = Stopwatch.StartNew();
        int found = 0;
        byte[]? after = null;
        do
        {
            var page = engine.Read(SliceQuery.MultiSlice(Schema.FullName, WideKey, slices, limit: settings.PageSize, pagingState: after));
            found += page.Rows.Count;
            after = page.PagingState;
        }
        while (after is not null);
        if (found != slices.Length) throw new InvalidOperationException($"multi-slice IN found {found} of {slices.Length} rows");
        return sw.Elapsed.TotalMilliseconds;
    }
}
