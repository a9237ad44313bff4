namespace RingStore.Bench.Plots;

/// <summary>Something that happened during a run, drawn as a labelled vertical line (a node killed, restarted).</summary>
public sealed record PlotEvent(double AtSeconds, string Label);
