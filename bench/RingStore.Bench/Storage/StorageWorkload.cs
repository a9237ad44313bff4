using System.Diagnostics;
using HdrHistogram;
using RingStore.Core.Values;

namespace RingStore.Bench.Storage;

/// <summary>
/// The storage scenario's workload, run against one target in its own process (so peak RSS is
/// that target's): 10,000 partitions (id bigint, time_bucket text) x 100 rows, timestamp
/// clustering, 100-byte values, written in random partition order; then reads after flush and
/// compaction. Deterministic (seeded), so both targets see the same operations.
/// </summary>
public sealed class StorageWorkload
{
    /// <param name="TimeSeriesValues">
    /// Each row its own sensor reading as text (<see cref="TimeSeriesValue"/>, ~90 bytes) instead of one random
    /// <paramref name="ValueBytes"/>-byte value repeated in every row: what the compression comparison measures.
    /// </param>
    public sealed record Settings(int Partitions, int RowsPerPartition, int ValueBytes, int PointReads, int Slices, int Seed,
        bool TimeSeriesValues = false);

    public sealed record PhaseResult(string Workload, long Operations, double OpsPerSecond, double P99Micros, long Checked)
    {
        /// <summary>RingStore writes: bytes the engine allocated per mutation on the writing thread (0 when not measured).</summary>
        public double EngineAllocatedBytesPerMutation { get; init; }
    }

    private readonly Settings _s;
    private readonly byte[][] _partitionKeys;
    private readonly byte[][] _clusterings;
    private readonly byte[] _value;

    public StorageWorkload(Settings settings)
    {
        _s = settings;
        var schema = RingStoreTarget.Schema;
        _partitionKeys = Enumerable.Range(0, settings.Partitions)
            .Select(i => PartitionKeyCodec.Serialize(schema.PartitionKey, [(long)i, $"2026-11-{i % 28 + 1:D2}"]))
            .ToArray();
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        _clusterings = Enumerable.Range(0, settings.RowsPerPartition)
            .Select(r => ClusteringKeyCodec.Encode(schema.Clustering, [start.AddSeconds(r * 10)]))
            .ToArray();
        _value = new byte[settings.ValueBytes];
        new Random(settings.Seed).NextBytes(_value);
    }

    /// <summary>(a) one row per mutation, rows of all partitions interleaved at random.</summary>
    public PhaseResult WriteSingleRows(IStorageTarget target)
    {
        var order = new (int P, int R)[_s.Partitions * _s.RowsPerPartition];
        int n = 0;
        for (int p = 0; p < _s.Partitions; p++)
            for (int r = 0; r < _s.RowsPerPartition; r++) order[n++] = (p, r);
        new Random(_s.Seed).Shuffle(order);
        return Measure("a_write_one_row_per_mutation", order.Length, i => { target.WriteRow(_partitionKeys[order[i].P], _clusterings[order[i].R], ValueOf(order[i].P, order[i].R)); return 1; });
    }

    /// <summary>(b) a whole partition (100 rows) per mutation, partitions in random order. Counted in rows.</summary>
    public PhaseResult WriteBatches(IStorageTarget target)
    {
        var partitions = Enumerable.Range(0, _s.Partitions).ToArray();
        new Random(_s.Seed + 1).Shuffle(partitions);
        var repeated = Enumerable.Repeat(_value, _s.RowsPerPartition).ToArray();
        var result = Measure("b_write_100_rows_per_mutation", partitions.Length, i =>
        {
            int p = partitions[i];
            var values = _s.TimeSeriesValues ? Enumerable.Range(0, _s.RowsPerPartition).Select(r => TimeSeriesValue(p, r)).ToArray() : repeated;
            target.WriteRows(_partitionKeys[p], _clusterings, values);
            return 1;
        });
        // Report rows per second so (a) and (b) compare directly.
        return result with { OpsPerSecond = result.OpsPerSecond * _s.RowsPerPartition };
    }

    private byte[] ValueOf(int partition, int row) => _s.TimeSeriesValues ? TimeSeriesValue(partition, row) : _value;

    /// <summary>
    /// Sensor <paramref name="partition"/>'s reading number <paramref name="row"/> (one every 10 s), as a device would
    /// send it: JSON with a slowly drifting temperature and humidity, pressure, battery, a status and the firmware.
    /// Deterministic, different in every row, and as repetitive as real telemetry is (same keys, similar numbers).
    /// </summary>
    public static byte[] TimeSeriesValue(int partition, int row)
    {
        uint noise = (uint)HashCode.Combine(partition, row) % 1000;
        double temperature = 15 + partition % 20 + 2 * Math.Sin(row / 30.0) + noise / 1000.0;
        double humidity = 40 + partition % 30 + 5 * Math.Cos(row / 50.0) + (noise % 100) / 100.0;
        double pressure = 1000 + partition % 25 + (noise % 50) / 10.0;
        int battery = 100 - row / 20 % 60;
        string status = noise < 950 ? "OK" : "WARN";
        return System.Text.Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{{\"temp_c\":{temperature:F2},\"humidity\":{humidity:F1},\"pressure_hpa\":{pressure:F1},\"battery\":{battery},\"status\":\"{status}\",\"fw\":\"2.{partition % 4}.7\"}}"));
    }

    public PhaseResult PointReads(IStorageTarget target)
    {
        var rnd = new Random(_s.Seed + 2);
        return Measure("c_point_reads", _s.PointReads,
            _ => target.ReadRow(_partitionKeys[rnd.Next(_s.Partitions)], _clusterings[rnd.Next(_s.RowsPerPartition)]) ? 1 : 0);
    }

    public PhaseResult FullSlices(IStorageTarget target)
    {
        var rnd = new Random(_s.Seed + 3);
        return Measure("d_full_partition_slices", _s.Slices,
            _ => target.ReadPartition(_partitionKeys[rnd.Next(_s.Partitions)]) == _s.RowsPerPartition ? 1 : 0);
    }

    public PhaseResult RangeSlices(IStorageTarget target)
    {
        var rnd = new Random(_s.Seed + 4);
        return Measure("e_ten_row_slices", _s.Slices,
            _ => target.ReadRange(_partitionKeys[rnd.Next(_s.Partitions)], _clusterings[rnd.Next(_s.RowsPerPartition - 10)], 10) == 10 ? 1 : 0);
    }

    /// <summary>Runs <paramref name="count"/> operations; each returns 1 if its result checked out.</summary>
    private static PhaseResult Measure(string name, int count, Func<int, int> op)
    {
        var histogram = new LongHistogram(1, 60_000_000, 3);
        long ok = 0;
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ok += op(i);
            long micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            histogram.RecordValue(Math.Min(micros, 60_000_000));
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new PhaseResult(name, count, count / seconds, histogram.GetValueAtPercentile(99), ok);
    }
}
