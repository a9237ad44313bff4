namespace RingStore.Bench.Plots;

/// <summary>One line of a plot: x and y values of equal length, with point labels (optional, e.g. the concurrency).</summary>
public sealed record PlotSeries(string Label, IReadOnlyList<double> Xs, IReadOnlyList<double> Ys, IReadOnlyList<string>? PointLabels = null);
