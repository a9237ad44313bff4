using RingStore.Gossip.Protocol;

namespace RingStore.Gossip.Simulation;

/// <summary>One simulated process: its gossiper and whether it runs, is paused, and which incarnation it is.</summary>
public sealed class SimulatedNode
{
    internal SimulatedNode(string endpoint, Gossiper gossiper, TimeSpan clockOffset)
    {
        Endpoint = endpoint;
        Gossiper = gossiper;
        ClockOffset = clockOffset;
    }

    public string Endpoint { get; }

    public Gossiper Gossiper { get; internal set; }

    public bool IsRunning { get; internal set; }

    public TimeSpan ClockOffset { get; }

    /// <summary>Bumped on kill and restart so timers of a dead incarnation do not fire into the new one.</summary>
    internal int Incarnation { get; set; }

    /// <summary>Simulated time until which the node is frozen by <see cref="GossipSimulation.Pause"/> (in the past: running).</summary>
    public TimeSpan PausedUntil { get; internal set; }
}
