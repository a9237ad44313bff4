using RingStore.Gossip.Protocol;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;
using static RingStore.Gossip.Tests.Simulation.SimulationTestKit;

namespace RingStore.Gossip.Tests.Simulation;

public class FailureScenarioTests
{
    [Fact]
    public void Killed_node_is_convicted_by_every_live_node()
    {
        GossipSimulation sim = Cluster(50, seed: 3, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(30));
        var downs = new HashSet<string>();
        sim.EventSink = (_, observer, e) =>
        {
            if (e is { Kind: GossipEventKind.Down, Endpoint: var ep } && ep == Name(17))
            {
                downs.Add(observer);
            }
        };
        sim.Kill(Name(17));
        TimeSpan killedAt = sim.Now;
        Assert.True(sim.RunUntil(() => ConvergenceChecks.AllConsiderDown(sim, Name(17)), TimeSpan.FromSeconds(60), Second));
        Assert.Equal(49, downs.Count);
        // The default tuning (200 ms rounds, phi > 4) bounds detection at 5 s on every live node; RunUntil polls every
        // second, so the exact bound is checked on the Down events' times in Default_tuning_convicts_within_five_seconds.
        Assert.InRange((sim.Now - killedAt).TotalSeconds, 1, 6);
        // Nobody else was convicted.
        Assert.All(sim.Nodes.Where(n => n.IsRunning), n => Assert.Equal(48, n.Gossiper.LiveEndpoints.Count));
    }

    [Theory]
    [InlineData(50, 3)]
    [InlineData(200, 4)]
    public void Default_tuning_convicts_within_five_seconds(int n, int seed)
    {
        GossipSimulation sim = Cluster(n, seed, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(30)); // detector windows hold real intervals
        string victim = Name(n / 3);
        var downAt = new Dictionary<string, TimeSpan>();
        sim.EventSink = (at, observer, e) =>
        {
            if (e.Kind == GossipEventKind.Down)
            {
                Assert.Equal(victim, e.Endpoint); // nobody else
                downAt.TryAdd(observer, at);
            }
        };
        sim.Kill(victim);
        TimeSpan killedAt = sim.Now;
        sim.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(n - 1, downAt.Count);
        double last = downAt.Values.Max(t => (t - killedAt).TotalSeconds);
        Assert.True(last <= 5.0, $"the last observer convicted after {last:F2} s");
        // Not suspiciously fast either: a live node that merely missed a few rounds must not be convicted.
        Assert.True(downAt.Values.Min(t => (t - killedAt).TotalSeconds) >= 1.5);
    }

    [Fact]
    public void No_false_conviction_under_ten_percent_loss_with_two_second_pauses_of_observers()
    {
        GossipSimulation sim = Cluster(60, seed: 17, loss: 0.10, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(30));
        int falseDowns = 0;
        sim.EventSink = (_, _, e) => falseDowns += e.Kind == GossipEventKind.Down ? 1 : 0;
        var pick = new Random(17);
        // Every 3 s one random node stops the world for 2 s (no rounds; its inbound messages wait), for 5 minutes.
        for (int i = 0; i < 100; i++)
        {
            sim.Pause(Name(pick.Next(60)), TimeSpan.FromSeconds(2));
            sim.RunFor(TimeSpan.FromSeconds(3));
        }
        Assert.Equal(0, falseDowns);
        Assert.True(ConvergenceChecks.IsConverged(sim));
    }

    [Fact]
    public void No_live_node_is_convicted_under_ten_percent_loss_over_a_long_run()
    {
        GossipSimulation sim = Cluster(60, seed: 11, loss: 0.10, preConverge: true);
        int falseDowns = 0;
        sim.EventSink = (_, _, e) =>
        {
            if (e.Kind == GossipEventKind.Down)
            {
                falseDowns++;
            }
        };
        sim.RunFor(TimeSpan.FromMinutes(15));
        Assert.Equal(0, falseDowns);
        Assert.True(ConvergenceChecks.IsConverged(sim));
    }

    [Fact]
    public void Partition_is_detected_on_both_sides_and_heals()
    {
        GossipSimulation sim = Cluster(20, seed: 5, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(20));
        string[] left = [.. Enumerable.Range(0, 10).Select(Name)], right = [.. Enumerable.Range(10, 10).Select(Name)];
        sim.Partition(left, right);
        sim.RunFor(TimeSpan.FromSeconds(60));
        foreach (string a in left)
        {
            Assert.All(right, b => Assert.False(sim[a].Gossiper.IsAlive(b)));
            Assert.All(left, b => Assert.True(sim[a].Gossiper.IsAlive(b)));
        }
        // Each side keeps gossiping internally: a change on the left reaches every left node.
        sim[left[3]].Gossiper.SetApplicationState(ApplicationState.Load, "123");
        sim.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(10, ConvergenceChecks.CountSeeing(sim, left[3], ApplicationState.Load, "123"));

        sim.Heal();
        Assert.True(sim.RunUntil(() => ConvergenceChecks.IsConverged(sim), TimeSpan.FromSeconds(30), Second));
    }

    [Fact]
    public void Restarted_node_comes_back_with_a_new_generation_and_is_marked_up()
    {
        GossipSimulation sim = Cluster(20, seed: 8, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(10));
        sim.Kill(Name(4));
        Assert.True(sim.RunUntil(() => ConvergenceChecks.AllConsiderDown(sim, Name(4)), TimeSpan.FromSeconds(60), Second));
        sim.Restart(Name(4), generation: 2);
        Assert.True(sim.RunUntil(() => ConvergenceChecks.IsConverged(sim), TimeSpan.FromSeconds(30), Second));
        Assert.All(sim.Nodes, n => Assert.Equal(2, n.Gossiper.States[Name(4)].Heartbeat.Generation));
    }

    [Fact]
    public void Graceful_shutdown_is_seen_by_everyone_without_waiting_for_the_detector()
    {
        GossipSimulation sim = Cluster(20, seed: 9, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(10));
        sim.Shutdown(Name(6));
        Assert.True(sim.RunUntil(() => ConvergenceChecks.AllConsiderDown(sim, Name(6)), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100)));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_paused_node_does_not_convict_its_peers_when_it_resumes(int pauseSeconds)
    {
        GossipSimulation sim = Cluster(10, seed: 12, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(30));
        int downsBy3 = 0;
        sim.EventSink = (_, observer, e) => downsBy3 += observer == Name(3) && e.Kind == GossipEventKind.Down ? 1 : 0;
        sim.Pause(Name(3), TimeSpan.FromSeconds(pauseSeconds));
        sim.RunFor(TimeSpan.FromSeconds(40));
        Assert.Equal(0, downsBy3);
    }

    [Fact]
    public void Joining_then_leaving_node_goes_through_boot_normal_left_and_is_forgotten_after_quarantine()
    {
        GossipSimulation sim = Cluster(10, seed: 13, preConverge: true);
        sim.RunFor(TimeSpan.FromSeconds(5));
        SimulatedNode joiner = sim.AddNode("10.9.9.9", States(99, NodeStatus.Boot));
        Assert.True(sim.RunUntil(() => ConvergenceChecks.CountSeeing(sim, "10.9.9.9", ApplicationState.Status, NodeStatus.Boot) == 11, TimeSpan.FromSeconds(20), Second));
        joiner.Gossiper.SetApplicationState(ApplicationState.Status, NodeStatus.Normal);
        Assert.True(sim.RunUntil(() => ConvergenceChecks.CountSeeing(sim, "10.9.9.9", ApplicationState.Status, NodeStatus.Normal) == 11, TimeSpan.FromSeconds(20), Second));

        int removed = 0;
        sim.EventSink = (_, _, e) => removed += e is { Kind: GossipEventKind.Removed, Endpoint: "10.9.9.9" } ? 1 : 0;
        joiner.Gossiper.SetApplicationState(ApplicationState.Status, NodeStatus.Left);
        Assert.True(sim.RunUntil(() => ConvergenceChecks.CountSeeing(sim, "10.9.9.9", ApplicationState.Status, NodeStatus.Left) == 11, TimeSpan.FromSeconds(20), Second));
        sim.Kill("10.9.9.9");
        // Still known (as LEFT, down) during quarantine...
        sim.RunFor(TimeSpan.FromSeconds(30));
        Assert.All(sim.Nodes.Where(n => n.IsRunning), n => Assert.True(n.Gossiper.States.ContainsKey("10.9.9.9")));
        Assert.All(sim.Nodes.Where(n => n.IsRunning), n => Assert.False(n.Gossiper.IsAlive("10.9.9.9")));
        // ...then forgotten by everyone, and not gossiped back in.
        sim.RunFor(TimeSpan.FromSeconds(60));
        Assert.Equal(10, removed);
        Assert.All(sim.Nodes.Where(n => n.IsRunning), n => Assert.False(n.Gossiper.States.ContainsKey("10.9.9.9")));
        sim.RunFor(TimeSpan.FromSeconds(60));
        Assert.All(sim.Nodes.Where(n => n.IsRunning), n => Assert.False(n.Gossiper.States.ContainsKey("10.9.9.9")));
    }
}
