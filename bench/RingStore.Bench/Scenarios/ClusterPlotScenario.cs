using System.Globalization;
using System.Text.Json;
using RingStore.Bench.Plots;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// `bench cluster-plot [--json bench/results/cluster/cluster.json] [--png PATH]`: the cluster scenario's
/// measurements as throughput (x) against p99 (y), one curve per consistency level and operation, each point
/// labelled with its concurrency. Reads only the JSON contract's fields (consistency, op, concurrency,
/// ops_per_sec, p99_ms), so it plots any run's file without running anything.
/// </summary>
public static class ClusterPlotScenario
{
    public const string DefaultJson = "bench/results/cluster/cluster.json";

    public static int Run(string[] args)
    {
        var a = new Args(args);
        string json = a.Get("--json") ?? DefaultJson;
        string png = a.Get("--png") ?? PlotPath(json);
        if (!File.Exists(json)) throw new ArgumentException($"{json} does not exist: run the cluster scenario first");
        WritePlot(json, png);
        Console.WriteLine($"wrote {png}");
        return 0;
    }

    /// <summary>Plots the measurements in <paramref name="json"/> to <paramref name="png"/> (the cluster scenario calls this after each run).</summary>
    public static void WritePlot(string json, string png)
    {
        var series = Series(File.ReadAllText(json));
        Charts.Curves(png, "cluster: throughput against p99 as concurrency grows (labels: concurrency)", "requests / s (whole cluster)", "p99 ms", series);
    }

    /// <summary>Where the cluster scenario's plot goes: beside its JSON.</summary>
    public static string PlotPath(string json) => Path.Combine(Path.GetDirectoryName(json) ?? ".", "throughput-vs-p99.png");

    /// <summary>One curve per (consistency, op), points in increasing concurrency.</summary>
    public static IReadOnlyList<PlotSeries> Series(string json)
    {
        using var document = JsonDocument.Parse(json);
        var points = document.RootElement.EnumerateArray().Select(e => (
            Consistency: e.GetProperty("consistency").GetString() ?? "",
            Op: e.GetProperty("op").GetString() ?? "",
            Concurrency: e.GetProperty("concurrency").GetInt32(),
            OpsPerSec: e.GetProperty("ops_per_sec").GetDouble(),
            P99Ms: e.GetProperty("p99_ms").GetDouble())).ToList();
        return [.. points.GroupBy(p => (p.Consistency, p.Op))
            .OrderBy(g => g.Key.Consistency, StringComparer.Ordinal).ThenBy(g => g.Key.Op, StringComparer.Ordinal)
            .Select(g =>
            {
                var ordered = g.OrderBy(p => p.Concurrency).ToList();
                return new PlotSeries($"{g.Key.Consistency} {g.Key.Op}", [.. ordered.Select(p => p.OpsPerSec)], [.. ordered.Select(p => p.P99Ms)],
                    [.. ordered.Select(p => p.Concurrency.ToString(CultureInfo.InvariantCulture))]);
            })];
    }
}
