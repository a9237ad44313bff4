using System.Diagnostics;
using RingStore.Core.Data;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Storage.Engine;
using Spectre.Console;

namespace RingStore.Cli.Commands;

/// <summary>
/// `ringstore demo`: a time series in one node's storage engine. Writes readings into partitions
/// (sensor, day) with rows clustered by time (newest first), flushes and compacts, then reads a
/// time range inside one partition (one seek, one sequential read) and shows the engine's stats.
/// </summary>
public static class DemoCommand
{
    private static readonly TableSchema Readings = new(
        "demo", "readings",
        [new ColumnDefinition("sensor", ColumnType.BigInt), new ColumnDefinition("day", ColumnType.Text)],
        [new ClusteringColumn("ts", ColumnType.Timestamp, ClusteringOrder.Desc)],
        [new ColumnDefinition("value", ColumnType.Double)],
        new TableOptions { Compaction = CompactionStrategyKind.TimeWindow, CompactionWindow = TimeSpan.FromDays(1) },
        Guid.Parse("5e2b7d1c-4a34-4f3e-9a77-0d1c2b3a4f51"));

    public static async Task<int> RunAsync(string[] args)
    {
        string dir = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), $"ringstore-demo-{Environment.ProcessId}");
        int sensors = int.Parse(Option(args, "--sensors") ?? "20", System.Globalization.CultureInfo.InvariantCulture);
        int readings = int.Parse(Option(args, "--readings") ?? "2000", System.Globalization.CultureInfo.InvariantCulture);
        bool keep = args.Contains("--keep") || Option(args, "--dir") is not null;

        AnsiConsole.MarkupLine($"[bold]RingStore storage demo[/] — data directory [blue]{Markup.Escape(dir)}[/]");
        var engine = StorageEngine.Open(new StorageEngineOptions { DataDirectory = dir }, [Readings]);
        try
        {
            var day = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
            var sw = Stopwatch.StartNew();
            var random = new Random(42);
            for (int s = 0; s < sensors; s++)
            {
                byte[] pk = PartitionKeyCodec.Serialize(Readings.PartitionKey, [(long)s, "2026-11-23"]);
                for (int i = 0; i < readings; i++)
                {
                    var ts = day.AddSeconds(i * 30);
                    var row = new Row(
                        ClusteringKeyCodec.Encode(Readings.Clustering, [ts]),
                        LivenessInfo.At(ts.ToUnixTimeMilliseconds() * 1000),
                        DeletionTime.Live,
                        [Cell.Live(0, ts.ToUnixTimeMilliseconds() * 1000, ValueCodec.Serialize(ColumnType.Double, 20 + 5 * Math.Sin(i / 50.0) + random.NextDouble()))]);
                    await engine.ApplyAsync(PartitionUpdate.OfRows(Readings.FullName, pk, row));
                }
            }
            long writes = (long)sensors * readings;
            AnsiConsole.MarkupLine($"Wrote [green]{writes:N0}[/] readings in {sw.Elapsed.TotalSeconds:F2} s ({writes / sw.Elapsed.TotalSeconds:N0} writes/s).");

            await engine.FlushAsync();
            await engine.CompactAsync();

            // Sensor 7, 10:00 to 10:05 (inclusive): in DESC clustering order the newest bound comes first.
            byte[] key = PartitionKeyCodec.Serialize(Readings.PartitionKey, [7L, "2026-11-23"]);
            var from = day.AddHours(10);
            var to = from.AddMinutes(5);
            var slice = new ClusteringSlice(
                new ClusteringBound(ClusteringKeyCodec.Encode(Readings.Clustering, [to]), true),
                new ClusteringBound(ClusteringKeyCodec.Encode(Readings.Clustering, [from]), true));
            sw.Restart();
            var result = engine.Read(new SliceQuery(Readings.FullName, key, slice));
            var elapsed = sw.Elapsed;

            AnsiConsole.MarkupLine("[grey]SELECT ts, value FROM demo.readings WHERE sensor = 7 AND day = '2026-11-23' AND ts >= '10:00' AND ts <= '10:05'[/]");
            var table = new Table();
            table.AddColumn("ts").AddColumn(new TableColumn("value").RightAligned());
            foreach (var row in result.Rows)
            {
                var ts = (DateTimeOffset)ClusteringKeyCodec.Decode(Readings.Clustering, row.Clustering)[0];
                double value = (double)ValueCodec.Deserialize(ColumnType.Double, row.Cells[0].Value);
                table.AddRow(ts.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{result.Rows.Count} rows in {elapsed.TotalMilliseconds:F2} ms.");

            var stats = engine.GetStats().Tables.Single();
            var statsTable = new Table().Title("engine stats").AddColumns("table", "sstables", "disk bytes", "partitions", "writes", "write p99 µs", "reads");
            statsTable.AddRow(stats.Table, stats.SSTableCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                stats.DiskBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                stats.SSTablePartitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
                stats.Writes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                stats.WriteLatency.P99Micros.ToString(System.Globalization.CultureInfo.InvariantCulture),
                stats.Reads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AnsiConsole.Write(statsTable);
            return result.Rows.Count == 11 ? 0 : 1;
        }
        finally
        {
            await engine.DisposeAsync();
            if (!keep)
            {
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
            }
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
        return args[i + 1];
    }
}
