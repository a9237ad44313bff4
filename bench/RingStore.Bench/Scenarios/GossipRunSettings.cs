namespace RingStore.Bench.Scenarios;

/// <summary>How long each gossip-sim cluster warms up, how long loss runs last, and how many rounds bytes are counted over.</summary>
internal sealed record GossipRunSettings(TimeSpan Warmup, int LossRunSeconds, int BytesRounds);
