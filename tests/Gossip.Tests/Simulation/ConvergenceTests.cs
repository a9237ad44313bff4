using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;
using static RingStore.Gossip.Tests.Simulation.SimulationTestKit;

namespace RingStore.Gossip.Tests.Simulation;

public class ConvergenceTests
{
    [Theory]
    [InlineData(3, 10)]
    [InlineData(100, 30)]
    public void Cold_cluster_converges_from_seeds(int nodes, int maxSeconds)
    {
        GossipSimulation sim = Cluster(nodes, seed: nodes);
        Assert.True(sim.RunUntil(() => ConvergenceChecks.IsConverged(sim), TimeSpan.FromSeconds(maxSeconds), Second),
            $"{nodes} nodes did not converge in {maxSeconds} s");
    }

    [Fact]
    public void Thousand_nodes_converge_from_seeds()
    {
        GossipSimulation sim = Cluster(1000, seed: 1000);
        // Check the cheap condition first: everyone knows everyone (the full check is O(N^2) per call).
        bool allKnown = sim.RunUntil(() => sim.Nodes.All(n => n.Gossiper.States.Count == 1000), TimeSpan.FromSeconds(60), Second);
        Assert.True(allKnown);
        Assert.True(sim.RunUntil(() => ConvergenceChecks.IsConverged(sim), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_new_state_reaches_all_of_1000_nodes_in_about_log2_n_rounds()
    {
        GossipSimulation sim = Cluster(1000, seed: 7, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(3));
        sim[Name(500)].Gossiper.SetApplicationState(ApplicationState.Schema, "schema-2");
        TimeSpan start = sim.Now;
        Assert.True(sim.RunUntil(() => ConvergenceChecks.CountSeeing(sim, Name(500), ApplicationState.Schema, "schema-2") == 1000,
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100)));
        Assert.InRange((sim.Now - start).TotalSeconds, 1, 15);
    }
}
