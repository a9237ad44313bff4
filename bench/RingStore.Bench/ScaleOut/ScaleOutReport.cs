using System.Globalization;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using Spectre.Console;

namespace RingStore.Bench.ScaleOut;

/// <summary>The scale-out scenario's outputs: the JSON, throughput.png, latency.png, streamed.png, and a console summary.</summary>
public static class ScaleOutReport
{
    public static void Write(string jsonPath, string plotsDirectory, ScaleOutResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        ResultJson.Write(jsonPath, r);
        if (r.Timeline.Count == 0) return;
        Directory.CreateDirectory(plotsDirectory);
        string title = Title(r);
        var xs = r.Timeline.Select(p => p.Second + 0.5).ToList();
        Charts.Lines(Path.Combine(plotsDirectory, "throughput.png"), title + ": throughput", "requests / s",
        [
            new PlotSeries("writes", xs, [.. r.Timeline.Select(p => (double)p.WriteOps)]),
            new PlotSeries("reads", xs, [.. r.Timeline.Select(p => (double)p.ReadOps)]),
            new PlotSeries("failed", xs, [.. r.Timeline.Select(p => (double)p.Failed)]),
        ], r.Events);
        Charts.Lines(Path.Combine(plotsDirectory, "latency.png"), title + ": latency per second (from the scheduled send)", "ms",
            [new PlotSeries("p50", xs, [.. r.Timeline.Select(p => p.P50Ms)]), new PlotSeries("p99", xs, [.. r.Timeline.Select(p => p.P99Ms)])], r.Events);
        if (r.StreamTimeline.Count > 0)
        {
            var operations = r.StreamTimeline.SelectMany(s => s.BytesByOperation.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var sx = r.StreamTimeline.Select(s => s.AtSeconds).ToList();
            Charts.Lines(Path.Combine(plotsDirectory, "streamed.png"), title + ": bytes received by stream sessions (Netstats)", "MiB",
                [.. operations.Select(op => new PlotSeries(op, sx, [.. r.StreamTimeline.Select(s => s.BytesByOperation.GetValueOrDefault(op) / 1048576.0)]))], r.Events);
        }
    }

    public static string Title(ScaleOutResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string throttle = r.StreamThrottleMibPerSec == 0 ? "unthrottled" : I($"{r.StreamThrottleMibPerSec} MiB/s");
        return I($"scale-out 3 -> 4 -> 3 nodes, {r.DataMib} MiB, streams {throttle}");
    }

    public static void PrintSummary(ScaleOutResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var table = new Table().Title(Markup.Escape(Title(r)));
        table.AddColumns("figure", "value");
        foreach (var (name, value) in Figures(r)) table.AddRow(Markup.Escape(name), Markup.Escape(value));
        AnsiConsole.Write(table);
    }

    public static List<(string, string)> Figures(ScaleOutResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return
        [
            ("bulk load", I($"{r.LoadedRows:N0} rows, {r.DataMib} MiB in {r.LoadSeconds:0.0} s ({r.LoadMibPerSec:0.0} MiB/s), {r.LoadFailedMutations} failed mutations, {r.LoadRetries} retries")),
            ("peak (closed loop) / offered rate", I($"{r.PeakOpsPerSec:N0}/s / {r.RateOffered:N0}/s")),
            ("requests (writes / reads)", I($"{r.Writes:N0} / {r.Reads:N0}")),
            ("failed requests", I($"{r.FailedRequests}") + (r.FailuresByKind.Count > 0 ? " (" + string.Join(", ", r.FailuresByKind.Select(k => $"{k.Key} {k.Value}")) + ")" : "")),
            ("wrong reads", I($"{r.WrongReads}")),
            ("bootstrap s (start to NORMAL)", S(r.BootstrapSeconds)),
            ("decommission s (RPC)", S(r.DecommissionSeconds)),
            ("streamed bytes (bootstrap + decommission)", I($"{r.StreamedBytes:N0} ({r.BootstrapStreamedBytes:N0} + {r.DecommissionStreamedBytes:N0})")),
            ("SSTables streamed whole (bootstrap + decommission)", I($"{r.BootstrapSstablesStreamedWhole} + {r.DecommissionSstablesStreamedWhole}")),
            ("stream MiB/s bootstrap / decommission", I($"{r.StreamMibPerSec:0.0} / {r.DecommissionStreamMibPerSec:0.0}")),
            ("ownership max/min after join", S(r.OwnershipMaxOverMin) + " (" + string.Join(", ", r.OwnershipAfterJoin.Select(o => I($"{o.Node} {o.Ownership:0.000}"))) + ")"),
            ("primary ownership (RF 1) max/min after join", S(r.PrimaryOwnershipMaxOverMin) + " (" + string.Join(", ", r.PrimaryOwnershipAfterJoin.Select(o => I($"{o.Node} {o.Ownership:0.000}"))) + ")"),
            ("p99 ms before / bootstrap / decommission / after", I($"{r.P99MsBefore:0.00} / {r.P99MsBootstrap:0.00} / {r.P99MsDecommission:0.00} / {r.P99MsAfter:0.00}")),
            ("p99 ms during streaming (both)", I($"{r.P99MsDuring:0.00}")),
            ("read-back", I($"{r.AckedLoadWrites:N0} load writes + {r.LoadedRows:N0} bulk rows in {r.ReadBackSeconds:0.0} s: lost {r.LostLoadWrites} + {r.LostLoadedRows}, wrong {r.WrongValues}, read errors {r.ReadBackErrors}")),
            ("lost writes", I($"{r.LostWrites}")),
        ];
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string S(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
}
