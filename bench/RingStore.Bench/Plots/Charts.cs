using ScottPlot;

namespace RingStore.Bench.Plots;

/// <summary>
/// The benchmark's PNG plots (ScottPlot): lines over time with event markers, grouped bars, and x/y curves with
/// labelled points. Pure apart from writing the PNG; every figure in a plot is also in the scenario's JSON.
/// </summary>
public static class Charts
{
    public const int Width = 1000;
    public const int Height = 450;

    /// <summary>Lines over time (x = seconds) with a vertical line per event.</summary>
    public static void Lines(string path, string title, string yLabel, IReadOnlyList<PlotSeries> series, IReadOnlyList<PlotEvent> events)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(events);
        var plot = new Plot();
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.Xs.ToArray(), s.Ys.ToArray());
            line.LegendText = s.Label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        // Events go in the legend (one dashed colour each) rather than as labels on the lines: close events would overlap.
        var eventColors = new ScottPlot.Palettes.Dark();
        for (int i = 0; i < events.Count; i++)
        {
            var marker = plot.Add.VerticalLine(events[i].AtSeconds);
            marker.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{events[i].AtSeconds:0.0} s: {events[i].Label}");
            marker.LinePattern = LinePattern.Dashed;
            marker.Color = eventColors.GetColor(i);
            marker.LineWidth = 1.5f;
        }
        plot.Title(title);
        plot.XLabel("seconds since start");
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0);
        if (series.Count > 1 || events.Count > 0) plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>Bars grouped by category: one bar per series in each group (e.g. before/after per exponent).</summary>
    public static void GroupedBars(string path, string title, string yLabel, IReadOnlyList<string> groups, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> series)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / Math.Max(1, series.Count);
        var bars = new List<Bar>();
        for (int s = 0; s < series.Count; s++)
        {
            for (int g = 0; g < groups.Count; g++)
            {
                bars.Add(new Bar
                {
                    Position = g + (s - (series.Count - 1) / 2.0) * width,
                    Value = series[s].Values[g],
                    Size = width * 0.95,
                    FillColor = palette.GetColor(s),
                    Label = series[s].Values[g].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        for (int s = 0; s < series.Count; s++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Label, FillColor = palette.GetColor(s) });
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, groups.Count).Select(g => (double)g)], [.. groups]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    /// <summary>x/y curves with a marker and a text label at each point (throughput against p99 as concurrency grows).</summary>
    public static void Curves(string path, string title, string xLabel, string yLabel, IReadOnlyList<PlotSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.Xs.ToArray(), s.Ys.ToArray());
            line.LegendText = s.Label;
            line.MarkerSize = 8;
            line.LineWidth = 2;
            if (s.PointLabels is null) continue;
            for (int i = 0; i < s.PointLabels.Count; i++)
            {
                var text = plot.Add.Text(s.PointLabels[i], s.Xs[i], s.Ys[i]);
                text.LabelFontSize = 11;
                text.LabelFontColor = line.Color;
                text.OffsetY = -6;
            }
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        plot.SavePng(path, Width, Height);
    }
}
