using RingStore.Gossip.Protocol;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Simulation;

/// <summary>
/// A node cut off from the cluster for the whole decommission of another, and for longer than two quarantine delays
/// after it, comes back still holding the leaver's NORMAL state. Nodes keep a LEFT state for LeftStateRetention
/// (3 days by default, as Cassandra) so that this stale copy is corrected instead of spread: the returning node learns
/// LEFT, and nobody takes the leaver back into the ring.
/// </summary>
public class LeftRetentionSimulationTests
{
    private static readonly int[] SeedList = [1, 2, 3, 4, 5, 6, 7, 8];

    public static TheoryData<int> Seeds() => new(SeedList);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_node_cut_off_for_longer_than_two_quarantines_does_not_bring_a_left_node_back(int seed)
    {
        List<string> wrong = RunCutOffDuringLeave(seed, leftRetention: new GossiperOptions().LeftStateRetention);
        Assert.True(wrong.Count == 0, $"seed {seed}: the leaver is back in the ring of {string.Join(", ", wrong)}");
    }

    /// <summary>The protection switched off: forgetting LEFT after one quarantine lets the cut-off node resurrect it.</summary>
    [Fact]
    public void Forgetting_left_after_one_quarantine_lets_the_cut_off_node_resurrect_the_leaver()
    {
        int resurrected = SeedList.Count(seed => RunCutOffDuringLeave(seed, leftRetention: TopologyCluster.Quarantine).Count > 0);
        Assert.True(resurrected > 0, "expected the stale NORMAL state to come back in at least one seed without the retention");
    }

    /// <summary>Returns the running nodes whose ring still (or again) holds the leaver once everything has settled.</summary>
    private static List<string> RunCutOffDuringLeave(int seed, TimeSpan leftRetention)
    {
        var c = new TopologyCluster(seed, endpoints: 5, leftRetention: leftRetention);
        string leaver = TopologyCluster.Name(2), isolated = TopologyCluster.Name(4);
        string finalRing = TopologyCluster.RingText(Enumerable.Range(0, 5).Where(i => i != 2).Select(c.Member));
        c.StartOwners(5);
        c.Watch.RunFor(TimeSpan.FromSeconds(10));

        c.Sim.Partition(Enumerable.Range(0, 4).Select(TopologyCluster.Name), [isolated]);
        c.Set(leaver, ApplicationState.Status, NodeStatus.Leaving);
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, leaver, ApplicationState.Status, NodeStatus.Leaving) == 4, TimeSpan.FromSeconds(60)),
            $"seed {seed}: not every connected node saw LEAVING within 60 s");
        c.Watch.RunFor(TimeSpan.FromSeconds(20));
        c.Set(leaver, ApplicationState.Status, NodeStatus.Left);
        c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, leaver, ApplicationState.Status, NodeStatus.Left) == 4, TimeSpan.FromSeconds(30));
        c.Watch.RunFor(TimeSpan.FromMilliseconds(500));
        c.Sim.Shutdown(leaver);

        // Cut off for longer than two quarantines: with LEFT forgotten after one, everyone else has forgotten the leaver
        // and stopped ignoring its generation by the time the isolated node speaks again.
        c.Watch.RunFor(2 * TopologyCluster.Quarantine + TimeSpan.FromSeconds(30));
        Assert.Equal(NodeStatus.Normal, c.Sim[isolated].Gossiper.States[leaver].Status);
        c.Sim.Heal();
        c.Watch.RunFor(2 * TopologyCluster.Quarantine + TimeSpan.FromSeconds(60));

        return c.Running
            .Where(n => TopologyCluster.RingText(c.Watch.Current[n.Endpoint].Ring) != finalRing)
            .Select(n => n.Endpoint)
            .ToList();
    }
}
