using RingStore.Gossip.Protocol;

namespace RingStore.Gossip.Simulation;

/// <summary>Knobs of the deterministic gossip simulator. Same options and seed, same run.</summary>
public sealed record SimulationOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>Probability that any one message is lost.</summary>
    public double LossProbability { get; init; }

    public TimeSpan MinDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Each node's clock is offset by a random amount up to this (the gossiper only uses differences).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Serialize every message to count real wire bytes (slow at 1,000+ nodes: enable only when measuring).</summary>
    public bool MeasureBytes { get; init; }

    public GossiperOptions Gossip { get; init; } = new();
}
