using RingStore.Gossip.Protocol;

namespace RingStore.Bench.Scenarios;

/// <summary>
/// How long each gossip-sim cluster warms up, how long loss runs last, how many rounds bytes are counted over, and the
/// gossip / failure-detector tuning under test (seeds are set per cluster). PauseLoss: the loss rate of the run where
/// random nodes stall for 2 s (negative: no such run).
/// </summary>
internal sealed record GossipRunSettings(TimeSpan Warmup, int LossRunSeconds, int BytesRounds, GossiperOptions Gossip, double PauseLoss = -1);
