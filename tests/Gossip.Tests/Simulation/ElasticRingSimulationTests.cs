using RingStore.Gossip.Messages;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Simulation;

/// <summary>
/// Issue 11, "Elastic ring": joins, decommissions and removenodes driven through the deterministic simulator with
/// message loss (10-30 % by seed) and delays (1-300 ms), every node's ring rebuilt and checked at every step.
/// Odd seeds use NetworkTopologyStrategy over three racks, even seeds SimpleStrategy; both with three replicas.
/// </summary>
public class ElasticRingSimulationTests
{
    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= 20; seed++)
        {
            seeds.Add(seed);
        }
        return seeds;
    }

    internal sealed record Outcome(IReadOnlyList<string> Versions, long Sent, long Dropped, string FinalRing, TimeSpan Spread);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Join_is_pending_on_every_node_that_saw_BOOT_then_normal_everywhere(int seed)
    {
        Outcome outcome = RunJoin(seed);
        Assert.True(outcome.Spread < TimeSpan.FromSeconds(60));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Decommission_is_pending_while_LEAVING_then_gone_and_never_resurrected(int seed) => RunLeave(seed);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Removenode_of_a_dead_node_is_pending_while_REMOVING_then_gone(int seed) => RunRemoval(seed);

    /// <summary>The three scenarios again with delays up to 3 s and a 5-20 s stall of another node at every announcement.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Join_leave_and_removal_hold_with_long_delays_and_stalled_nodes(int seed)
    {
        RunJoin(seed, rough: true);
        RunLeave(seed, rough: true);
        RunRemoval(seed, rough: true);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    public void Same_seed_gives_the_same_ring_versions_and_final_state(int seed)
    {
        foreach (Func<int, Outcome> scenario in new Func<int, Outcome>[] { s => RunJoin(s), s => RunLeave(s), s => RunRemoval(s), s => RunLeave(s, rough: true) })
        {
            Outcome first = scenario(seed), second = scenario(seed);
            Assert.Equal(first.Versions, second.Versions);
            Assert.Equal((first.Sent, first.Dropped, first.FinalRing, first.Spread), (second.Sent, second.Dropped, second.FinalRing, second.Spread));
            // The log is not trivially equal: another seed gives another history.
            Assert.NotEqual(first.Versions, scenario(seed + 100).Versions);
        }
    }

    /// <summary>
    /// Five owners; a sixth node starts gossiping with no STATUS or TOKENS, then announces TOKENS and BOOT, waits
    /// until every live node sees BOOT, "streams" for 20 s and announces NORMAL.
    /// </summary>
    internal static Outcome RunJoin(int seed, bool rough = false)
    {
        var c = new TopologyCluster(seed, endpoints: 6, rough);
        string joiner = TopologyCluster.Name(5);
        string[] owners = [.. Enumerable.Range(0, 5).Select(TopologyCluster.Name)];
        string ownersRing = TopologyCluster.RingText(Enumerable.Range(0, 5).Select(c.Member));
        string finalRing = TopologyCluster.RingText(Enumerable.Range(0, 6).Select(c.Member));
        var statusVersion = new Dictionary<string, int>(StringComparer.Ordinal);
        c.Watch.Invariant = (node, s) =>
        {
            EndpointState? seen = node.Gossiper.States.GetValueOrDefault(joiner);
            int version = RingWatch.StatusVersion(seen, ApplicationState.Status);
            Assert.True(version >= statusVersion.GetValueOrDefault(node.Endpoint), $"the joiner's STATUS went back to version {version}");
            statusVersion[node.Endpoint] = version;
            Assert.Empty(s.Leaving);
            var ringOwners = s.Ring.Members.Select(m => m.Node.Endpoint).Where(e => e != joiner).Order(StringComparer.Ordinal).ToList();
            if (node.Endpoint == joiner)
            {
                Assert.Subset(owners.ToHashSet(), ringOwners.ToHashSet()); // it may not have heard of everyone yet
            }
            else
            {
                Assert.Equal(owners, ringOwners);
            }
            switch (seen?.Status)
            {
                case null:
                    // Gossiping, but no tokens announced: not a member, nothing pending.
                    Assert.Empty(s.Joining);
                    Assert.True(s.Pending.IsEmpty);
                    Assert.True(seen is null || s.Member(joiner)?.Role == MemberRole.Out);
                    RingWatch.AssertNeverANaturalReplica(s, joiner, c.Strategy);
                    break;
                case NodeStatus.Boot:
                    Assert.Equal(MemberRole.Joining, s.Member(joiner)?.Role);
                    RingMember joining = Assert.Single(s.Joining);
                    Assert.Equal(joiner, joining.Node.Endpoint);
                    Assert.Equal(c.Tokens[5], joining.Tokens);
                    RingWatch.AssertNeverANaturalReplica(s, joiner, c.Strategy);
                    Assert.False(s.Pending.IsEmpty);
                    HashSet<string> targets = RingWatch.AssertPendingIsTheMovements(s, c.Strategy);
                    Assert.Contains(joiner, targets);
                    if (c.Strategy is SimpleStrategy)
                    {
                        Assert.Equal([joiner], targets); // a join only takes ranges away from the others
                    }
                    if (node.Endpoint != joiner)
                    {
                        Assert.Equal(ownersRing, TopologyCluster.RingText(s.Ring));
                    }
                    break;
                case NodeStatus.Normal:
                    Assert.Equal(MemberRole.Normal, s.Member(joiner)?.Role);
                    Assert.Empty(s.Joining);
                    Assert.True(s.Pending.IsEmpty);
                    Assert.Equal(c.Tokens[5], s.Ring.FindMember(joiner)?.Tokens);
                    if (node.Endpoint != joiner)
                    {
                        Assert.Equal(finalRing, TopologyCluster.RingText(s.Ring));
                    }
                    break;
                default:
                    Assert.Fail($"unexpected STATUS {seen.Status}");
                    break;
            }
        };
        c.StartOwners(5);
        c.Watch.RunFor(TimeSpan.FromSeconds(10));

        c.Watch.Publish(c.Sim.AddNode(joiner, c.States(5, owner: false)));
        // The node learns the ring before it picks tokens (and everyone hears of it).
        Assert.True(c.Watch.RunUntil(() => c.Running.All(n => n.Gossiper.States.Count == 6), TimeSpan.FromSeconds(60)),
            "the new node and the cluster did not learn of each other");
        c.Watch.RunFor(TimeSpan.FromSeconds(5));

        Gossiper gossiper = c.Sim[joiner].Gossiper;
        c.Set(joiner, ApplicationState.Tokens, TokensValue.Format(c.Tokens[5]));
        c.Set(joiner, ApplicationState.Status, NodeStatus.Boot);
        TimeSpan bootAt = c.Sim.Now;
        // The real node's rule: stream only once every peer live at BOOT time sees BOOT (or has gone down since).
        var mustSee = gossiper.LiveEndpoints.ToList();
        Assert.Equal(5, mustSee.Count);
        bool Sees(string peer, string status) => c.Sim[peer].Gossiper.States.GetValueOrDefault(joiner)?.Status == status;
        Assert.True(c.Watch.RunUntil(() => mustSee.All(p => Sees(p, NodeStatus.Boot) || !gossiper.IsAlive(p)), TimeSpan.FromSeconds(60)),
            $"seed {seed}: not every live node saw BOOT within 60 s");
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, joiner, ApplicationState.Status, NodeStatus.Boot) == 6, TimeSpan.FromSeconds(60)));
        TimeSpan spread = c.Sim.Now - bootAt;

        // Streaming. Every node keeps seeing BOOT: the invariant checks that STATUS versions never go back.
        c.Watch.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(6, ConvergenceChecks.CountSeeing(c.Sim, joiner, ApplicationState.Status, NodeStatus.Boot));

        c.Set(joiner, ApplicationState.Status, NodeStatus.Normal);
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, joiner, ApplicationState.Status, NodeStatus.Normal) == 6
            && c.Watch.AllAgree() && c.Watch.NoPendingAnywhere(), TimeSpan.FromSeconds(60)), $"seed {seed}: NORMAL did not converge within 60 s");
        c.Watch.RunFor(TimeSpan.FromSeconds(20));
        Assert.True(c.Watch.AllAgree());
        Assert.True(c.Watch.NoPendingAnywhere());
        Assert.All(c.Running, n => Assert.Equal(finalRing, TopologyCluster.RingText(c.Watch.Current[n.Endpoint].Ring)));
        return new Outcome(c.Watch.Versions, c.Sim.MessagesSent, c.Sim.MessagesDropped, finalRing, spread);
    }

    /// <summary>
    /// Five owners; one announces LEAVING, streams for 20 s, announces LEFT and stops. Every node drops it from the
    /// ring at LEFT and forgets it after the quarantine; late copies of its old states, delivered to every node
    /// within its quarantine, must not bring it back.
    /// </summary>
    /// <remarks>
    /// Outside the rules, by design: a copy older than the receiver's quarantine (or a node cut off for longer than two
    /// quarantine delays that never heard LEFT) brings the leaver back with whatever it carries, LEAVING or NORMAL
    /// included, and then nobody holds a newer state to correct it. An earlier draft of this test, which delivered
    /// the copies up to 15 s after the last node forgot, showed exactly that on 5 of 83 runs.
    /// </remarks>
    internal static Outcome RunLeave(int seed, bool rough = false)
    {
        var c = new TopologyCluster(seed, endpoints: 5, rough);
        string leaver = TopologyCluster.Name(2);
        string allRing = TopologyCluster.RingText(Enumerable.Range(0, 5).Select(c.Member));
        string finalRing = TopologyCluster.RingText(Enumerable.Range(0, 5).Where(i => i != 2).Select(c.Member));
        var statusVersion = new Dictionary<string, int>(StringComparer.Ordinal);
        var sawLeft = new HashSet<string>(StringComparer.Ordinal);
        var forgot = new Dictionary<string, TimeSpan>(StringComparer.Ordinal); // node -> when it forgot the leaver
        c.Watch.Invariant = (node, s) =>
        {
            Assert.Empty(s.Joining);
            if (!node.Gossiper.States.TryGetValue(leaver, out EndpointState? seen))
            {
                Assert.True(sawLeft.Contains(node.Endpoint), "forgot the leaver before seeing LEFT");
                forgot.TryAdd(node.Endpoint, c.Sim.Now);
                Assert.Null(s.Member(leaver));
                Assert.Empty(s.Leaving);
                Assert.True(s.Pending.IsEmpty);
                Assert.Equal(finalRing, TopologyCluster.RingText(s.Ring));
                return;
            }
            Assert.False(forgot.ContainsKey(node.Endpoint), $"the forgotten leaver is back, STATUS {seen.Status}");
            int version = RingWatch.StatusVersion(seen, ApplicationState.Status);
            Assert.True(version >= statusVersion.GetValueOrDefault(node.Endpoint), $"the leaver's STATUS went back to version {version}");
            statusVersion[node.Endpoint] = version;
            switch (seen.Status)
            {
                case NodeStatus.Normal:
                    Assert.Empty(s.Leaving);
                    Assert.True(s.Pending.IsEmpty);
                    Assert.Equal(allRing, TopologyCluster.RingText(s.Ring));
                    break;
                case NodeStatus.Leaving:
                    // Still an owner (reads keep going to it) while the gainers receive writes for what they will own.
                    Assert.Equal(MemberRole.Leaving, s.Member(leaver)?.Role);
                    Assert.Equal([leaver], s.Leaving);
                    Assert.Equal(allRing, TopologyCluster.RingText(s.Ring));
                    Assert.False(s.Pending.IsEmpty);
                    HashSet<string> targets = RingWatch.AssertPendingIsTheMovements(s, c.Strategy);
                    Assert.DoesNotContain(leaver, targets);
                    break;
                case NodeStatus.Left:
                    sawLeft.Add(node.Endpoint);
                    Assert.Equal(MemberRole.Out, s.Member(leaver)?.Role);
                    Assert.Empty(s.Leaving);
                    Assert.True(s.Pending.IsEmpty);
                    Assert.Equal(finalRing, TopologyCluster.RingText(s.Ring));
                    break;
                default:
                    Assert.Fail($"unexpected STATUS {seen.Status}");
                    break;
            }
        };
        c.StartOwners(5);
        EndpointState normalState = c.Sim[leaver].Gossiper.LocalState;
        c.Watch.RunFor(TimeSpan.FromSeconds(10));

        c.Set(leaver, ApplicationState.Status, NodeStatus.Leaving);
        EndpointState leavingState = c.Sim[leaver].Gossiper.LocalState;
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, leaver, ApplicationState.Status, NodeStatus.Leaving) == 5, TimeSpan.FromSeconds(60)),
            $"seed {seed}: not every node saw LEAVING within 60 s");
        TimeSpan spread = c.Sim.Now;
        c.Watch.RunFor(TimeSpan.FromSeconds(20));

        c.Set(leaver, ApplicationState.Status, NodeStatus.Left);
        EndpointState leftState = c.Sim[leaver].Gossiper.LocalState;
        // Best effort, as the real node: wait a while for everyone to see LEFT, then stop.
        c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, leaver, ApplicationState.Status, NodeStatus.Left) == 5, TimeSpan.FromSeconds(30));
        c.Watch.RunFor(TimeSpan.FromMilliseconds(500));
        c.Sim.Shutdown(leaver);
        spread = c.Sim.Now - spread;

        Assert.True(c.Watch.RunUntil(() => c.Running.All(n => !n.Gossiper.States.ContainsKey(leaver)), TopologyCluster.Quarantine + TimeSpan.FromSeconds(60)),
            $"seed {seed}: the LEFT node was not forgotten by every node");
        Assert.True(c.Watch.AllAgree());

        // Late copies of everything the leaver ever said, in every message kind, from a peer, each arriving within the
        // receiver's quarantine (which starts when it forgets the leaver and lasts QuarantineDelay).
        var late = new Random(seed);
        int generation = normalState.Heartbeat.Generation;
        foreach (SimulatedNode node in c.Running.ToList())
        {
            string from = c.Running.First(n => n != node).Endpoint;
            TimeSpan window = forgot[node.Endpoint] + TopologyCluster.Quarantine - TimeSpan.FromSeconds(1) - c.Sim.Now;
            Assert.True(window > TimeSpan.Zero, $"{node.Endpoint} forgot the leaver too early to test its quarantine");
            foreach (EndpointState old in new[] { normalState, leavingState, leftState })
            {
                EndpointStateDelta delta = StateDeltas.Newer(leaver, old, 0);
                TimeSpan Within() => TimeSpan.FromTicks((long)(late.NextDouble() * window.Ticks));
                c.Sim.DeliverLate(node.Endpoint, new GossipAck2(GossipMessageSerializer.CurrentProtocolVersion, from, [delta]), Within());
                c.Sim.DeliverLate(node.Endpoint, new GossipAck(GossipMessageSerializer.CurrentProtocolVersion, from, [], [delta]), Within());
                c.Sim.DeliverLate(node.Endpoint, new GossipSyn(GossipMessageSerializer.CurrentProtocolVersion, from, c.Sim.Options.Gossip.ClusterName,
                    [new GossipDigest(leaver, generation, old.MaxVersion)]), Within());
            }
        }
        c.Watch.RunFor(2 * TopologyCluster.Quarantine + TimeSpan.FromSeconds(10));
        Assert.All(c.Running, n => Assert.False(n.Gossiper.States.ContainsKey(leaver)));
        Assert.True(c.Watch.AllAgree());
        Assert.True(c.Watch.NoPendingAnywhere());
        Assert.All(c.Running, n => Assert.Equal(finalRing, TopologyCluster.RingText(c.Watch.Current[n.Endpoint].Ring)));
        return new Outcome(c.Watch.Versions, c.Sim.MessagesSent, c.Sim.MessagesDropped, finalRing, spread);
    }

    /// <summary>
    /// Five owners; one crashes. Once everyone has convicted it, another announces REMOVING:hostid in its REMOVAL
    /// state, "streams" for 20 s, then REMOVED:hostid.
    /// </summary>
    internal static Outcome RunRemoval(int seed, bool rough = false)
    {
        var c = new TopologyCluster(seed, endpoints: 5, rough);
        string dead = TopologyCluster.Name(3), coordinator = TopologyCluster.Name(0);
        Guid deadHost = c.HostIds[3];
        string allRing = TopologyCluster.RingText(Enumerable.Range(0, 5).Select(c.Member));
        string finalRing = TopologyCluster.RingText(Enumerable.Range(0, 5).Where(i => i != 3).Select(c.Member));
        var removalVersion = new Dictionary<string, int>(StringComparer.Ordinal);
        c.Watch.Invariant = (node, s) =>
        {
            Assert.Empty(s.Joining);
            EndpointState? coordinatorSeen = node.Gossiper.States.GetValueOrDefault(coordinator);
            int version = RingWatch.StatusVersion(coordinatorSeen, ApplicationState.Removal);
            Assert.True(version >= removalVersion.GetValueOrDefault(node.Endpoint), $"the REMOVAL state went back to version {version}");
            removalVersion[node.Endpoint] = version;
            var removal = Removals.Parse(coordinatorSeen?.Get(ApplicationState.Removal)).Where(r => r.HostId == deadHost).ToList();
            if (removal.Count == 0)
            {
                Assert.Equal(MemberRole.Normal, s.Member(dead)?.Role);
                Assert.Empty(s.Leaving);
                Assert.True(s.Pending.IsEmpty);
                Assert.Equal(allRing, TopologyCluster.RingText(s.Ring));
            }
            else if (!removal[0].Finished)
            {
                Assert.Equal(MemberRole.Removing, s.Member(dead)?.Role);
                Assert.Equal([dead], s.Leaving);
                Assert.Equal(allRing, TopologyCluster.RingText(s.Ring));
                Assert.False(s.Pending.IsEmpty);
                HashSet<string> targets = RingWatch.AssertPendingIsTheMovements(s, c.Strategy);
                Assert.DoesNotContain(dead, targets);
            }
            else
            {
                Assert.Equal(MemberRole.Out, s.Member(dead)?.Role);
                Assert.Empty(s.Leaving);
                Assert.True(s.Pending.IsEmpty);
                Assert.Equal(finalRing, TopologyCluster.RingText(s.Ring));
            }
        };
        c.StartOwners(5);
        c.Watch.RunFor(TimeSpan.FromSeconds(10));
        c.Sim.Kill(dead);
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.AllConsiderDown(c.Sim, dead), TimeSpan.FromSeconds(90)),
            $"seed {seed}: the dead node was not convicted everywhere");

        string removing = Removals.With(c.Sim[coordinator].Gossiper.LocalState.Get(ApplicationState.Removal), deadHost, finished: false);
        c.Set(coordinator, ApplicationState.Removal, removing);
        TimeSpan start = c.Sim.Now;
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, coordinator, ApplicationState.Removal, removing) == 4, TimeSpan.FromSeconds(60)),
            $"seed {seed}: not every node saw REMOVING within 60 s");
        TimeSpan spread = c.Sim.Now - start;
        c.Watch.RunFor(TimeSpan.FromSeconds(20));

        string removed = Removals.With(c.Sim[coordinator].Gossiper.LocalState.Get(ApplicationState.Removal), deadHost, finished: true);
        c.Set(coordinator, ApplicationState.Removal, removed);
        Assert.True(c.Watch.RunUntil(() => ConvergenceChecks.CountSeeing(c.Sim, coordinator, ApplicationState.Removal, removed) == 4
            && c.Watch.AllAgree() && c.Watch.NoPendingAnywhere(), TimeSpan.FromSeconds(60)), $"seed {seed}: REMOVED did not converge within 60 s");
        c.Watch.RunFor(TimeSpan.FromSeconds(20));
        Assert.True(c.Watch.AllAgree());
        Assert.All(c.Running, n => Assert.Equal(finalRing, TopologyCluster.RingText(c.Watch.Current[n.Endpoint].Ring)));
        return new Outcome(c.Watch.Versions, c.Sim.MessagesSent, c.Sim.MessagesDropped, finalRing, spread);
    }
}
