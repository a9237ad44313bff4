using System.Globalization;
using RingStore.Bench.Plots;
using RingStore.Bench.Reports;
using Spectre.Console;

namespace RingStore.Bench.Repair;

/// <summary>`bench repair`'s JSON, its two PNGs (seconds and MiB transferred against the difference) and console lines.</summary>
public static class RepairBenchReport
{
    public static void Write(RepairBenchSettings settings, RepairBenchResult result)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        ResultJson.Write(settings.JsonPath, result);
        var xs = result.Results.Select(r => r.DifferenceFraction * 100).ToList();
        var labels = result.Results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.DifferenceFraction * 100:0.###} %")).ToList();
        Charts.Curves(Path.Combine(settings.EffectivePlotsDirectory, "repair-seconds.png"),
            $"Repair of {result.DataMib} MiB per node (3 nodes, RF 3): time", "rows differing on one replica (%)", "seconds",
            [new PlotSeries("repair seconds", xs, [.. result.Results.Select(r => r.RepairSeconds)], labels)]);
        Charts.Curves(Path.Combine(settings.EffectivePlotsDirectory, "repair-bytes.png"),
            $"Repair of {result.DataMib} MiB per node (3 nodes, RF 3): data moved", "rows differing on one replica (%)", "MiB",
            [
                new PlotSeries("MiB written to replicas", xs, [.. result.Results.Select(r => r.BytesTransferred / 1048576.0)], labels),
                new PlotSeries("MiB fetched by the coordinator", xs, [.. result.Results.Select(r => r.BytesFetched / 1048576.0)]),
            ]);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(settings.JsonPath)}[/] and repair-seconds.png, repair-bytes.png in [blue]{Markup.Escape(settings.EffectivePlotsDirectory)}[/]");
    }

    public static string Line(RepairFractionResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.DifferenceFraction,7:P1}: {r.RepairSeconds,7:0.0} s, {r.RangesFailed}/{r.RangesTotal} ranges failed, {r.DifferingRows:N0} rows differ, {r.RowsDiffering:N0} found, {r.RowsTransferred:N0} sent ({r.BytesTransferred / 1048576.0:N1} MiB), overstream {(r.OverstreamRatio is { } o ? o.ToString("0.000", CultureInfo.InvariantCulture) : "-")}, peak RSS {r.PeakRssBytes / 1048576.0:N0} MiB (+{r.RssGrowthBytes / 1048576.0:N0} MiB, anon +{r.AnonRssGrowthBytes / 1048576.0:N0} MiB), >= {r.ValidationMibPerSec:N1} MiB/s validated per node");

    public static void Print(RepairBenchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var r in result.Results) AnsiConsole.MarkupLine(Markup.Escape(Line(r)));
        AnsiConsole.MarkupLine(Markup.Escape($"lost writes {result.LostWrites} (wrong values {result.WrongValues}); load avg {result.Run.LoadAverageAtStart:0.0} -> {result.Run.LoadAverageAtEnd:0.0}"));
        if (result.Error is { } e) AnsiConsole.MarkupLine($"[red]{Markup.Escape(e)}[/]");
    }
}
