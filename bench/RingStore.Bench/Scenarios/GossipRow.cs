namespace RingStore.Bench.Scenarios;

/// <summary>gossip-sim figures for one cluster size, over its seeds. FalseConvictions: loss ("0.1") -> Down events of live nodes during the loss runs.</summary>
internal sealed record GossipRow(int Nodes, int Seeds, double WarmupSeconds, double WindowIntervalsMean, int WindowIntervalsMin,
    double RoundsMedian, double RoundsMax, double Log2N, double ConvictSecondsMedian, double ConvictSecondsMax,
    double ObserverConvictSecondsMedian, IReadOnlyDictionary<string, int> FalseConvictions, int LossRunSeconds,
    double BytesPerNodePerRound, double WallMinutes)
{
    public static GossipRow From(int nodes, List<GossipRunResult> runs, IReadOnlyDictionary<string, int> falseConvictions,
        GossipRunSettings settings, TimeSpan wall)
    {
        double[] rounds = [.. runs.Select(r => r.RoundsToSpread).Order()];
        double[] convict = [.. runs.Select(r => r.ConvictSecondsAll).Order()];
        double[] observer = [.. runs.Select(r => r.ConvictSecondsMedianObserver).Order()];
        return new GossipRow(nodes, runs.Count, settings.Warmup.TotalSeconds,
            runs.Average(r => r.WindowIntervalsMean), runs.Min(r => r.WindowIntervalsMin),
            rounds[rounds.Length / 2], rounds[^1], Math.Log2(nodes),
            convict[convict.Length / 2], convict[^1], observer[observer.Length / 2],
            falseConvictions, settings.LossRunSeconds, runs.Average(r => r.BytesPerNodePerRound), wall.TotalMinutes);
    }
}
