using RingStore.Gossip.Protocol;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Simulation;

internal static class SimulationTestKit
{
    public static string Name(int i) => $"10.0.{i / 250}.{i % 250 + 1}";

    public static IEnumerable<KeyValuePair<ApplicationState, string>> States(int i, string status = NodeStatus.Normal) =>
    [
        KeyValuePair.Create(ApplicationState.Status, status),
        KeyValuePair.Create(ApplicationState.HostId, $"host-{i}"),
        KeyValuePair.Create(ApplicationState.Datacenter, "dc1"),
        KeyValuePair.Create(ApplicationState.Rack, $"rack{i % 3}"),
        KeyValuePair.Create(ApplicationState.Schema, "schema-1"),
    ];

    /// <summary>n nodes whose seeds are the first two; nodes start knowing nothing but the seeds.</summary>
    public static GossipSimulation Cluster(int n, int seed, double loss = 0, bool preConverge = false)
    {
        var sim = new GossipSimulation(new SimulationOptions
        {
            Seed = seed,
            LossProbability = loss,
            Gossip = new GossiperOptions { Seeds = [Name(0), Name(1)], QuarantineDelay = TimeSpan.FromSeconds(60), LeftStateRetention = TimeSpan.FromSeconds(60) },
        });
        for (int i = 0; i < n; i++)
        {
            sim.AddNode(Name(i), States(i));
        }
        if (preConverge)
        {
            sim.PreConverge();
        }
        return sim;
    }

    public static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
}
