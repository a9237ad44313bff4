namespace RingStore.Bench.Scenarios;

/// <summary>
/// One lossless gossip-sim cluster's figures. Window intervals are the failure-detector window sizes at the end of
/// warm-up (the first of them is the synthetic 2 s initial estimate); convict times are from the kill to the last /
/// the median observer's Down event; NaN when not every live node convicted within the limit.
/// </summary>
internal sealed record GossipRunResult(double WindowIntervalsMean, int WindowIntervalsMin, double BytesPerNodePerRound,
    double RoundsToSpread, double ConvictSecondsAll, double ConvictSecondsMedianObserver);
