using RingStore.Gossip.Protocol;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;
using static RingStore.Gossip.Tests.Simulation.SimulationTestKit;

namespace RingStore.Gossip.Tests.Simulation;

/// <summary>
/// Pins one seeded run (cold start from seeds, 10% loss, crash, restart, graceful shutdown, LEFT and quarantine) to
/// the figures the gossiper and simulator produced before their performance rework (main at 6ef071e): message and
/// byte counts, every event in order, and every final view down to the phi values. Optimizations must keep them.
/// Re-pinned once on purpose (same 3,616 events): LEFT nodes are no longer probed as unreachable peers, which
/// changes which peers the seeded Random picks and so the message counts.
/// </summary>
public class DeterminismTests
{
    [Fact]
    public void Seeded_run_reproduces_the_recorded_messages_events_and_views()
    {
        var result = Run();
        Assert.Equal((14646L, 1506L, 5276548L, 3616, 14846835073715636322UL), result);
    }

    private static (long Sent, long Dropped, long Bytes, int Events, ulong Checksum) Run()
    {
        var sim = new GossipSimulation(new SimulationOptions
        {
            Seed = 21,
            LossProbability = 0.1,
            MeasureBytes = true,
            // The pinned figures are of the 1 s / phi 8 tuning, still reachable by options.
            Gossip = GossiperOptions.Cassandra with { Seeds = [Name(0), Name(1)], QuarantineDelay = TimeSpan.FromSeconds(20), LeftStateRetention = TimeSpan.FromSeconds(20) },
        });
        for (int i = 0; i < 40; i++)
        {
            sim.AddNode(Name(i), [KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal), KeyValuePair.Create(ApplicationState.HostId, $"host-{i}")]);
        }
        ulong checksum = 14695981039346656037UL;
        int events = 0;
        void Mix(string text)
        {
            foreach (char c in text)
            {
                checksum = (checksum ^ c) * 1099511628211UL;
            }
        }
        sim.EventSink = (at, observer, e) =>
        {
            events++;
            Mix($"{at.Ticks}|{observer}|{e.Kind}|{e.Endpoint}|{e.State}|{e.Value};");
        };
        sim.RunFor(TimeSpan.FromSeconds(40));
        sim.Kill(Name(5));
        sim.RunFor(TimeSpan.FromSeconds(30));
        sim.Restart(Name(5), generation: 2);
        sim.Shutdown(Name(6));
        sim[Name(7)].Gossiper.SetApplicationState(ApplicationState.Status, NodeStatus.Left);
        sim.RunFor(TimeSpan.FromSeconds(60));
        foreach (SimulatedNode node in sim.Nodes)
        {
            Mix($"{node.Endpoint}:{string.Join(",", node.Gossiper.LiveEndpoints)}|{string.Join(",", node.Gossiper.UnreachableEndpoints)}");
            foreach (var (endpoint, state) in node.Gossiper.States)
            {
                Mix($"{endpoint}={state.Heartbeat.Generation}/{state.Heartbeat.Version}/{state.MaxVersion}/{state.Status}/{node.Gossiper.FailureDetector.Phi(endpoint, sim.Now):R};");
            }
        }
        return (sim.MessagesSent, sim.MessagesDropped, sim.BytesSent, events, checksum);
    }
}
