using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Gossip.State;
using RingStore.Node.Streaming;
using RingStore.Node.Topology;

namespace RingStore.Node.Tests.Topology;

public class StreamPlannerTests
{
    private static EndpointState State(string status, int host, IEnumerable<long> tokens, string? removal = null)
    {
        var s = EndpointState.Create(1);
        s = s.With(ApplicationState.Status, new VersionedValue(status, 1));
        s = s.With(ApplicationState.Tokens, new VersionedValue(TokensValue.Format(tokens.Select(t => new Token(t))), 2));
        s = s.With(ApplicationState.HostId, new VersionedValue(HostId(host).ToString("D"), 3));
        if (removal is not null) s = s.With(ApplicationState.Removal, new VersionedValue(removal, 4));
        return s;
    }

    private static Guid HostId(int i) => new(i, 0, 0, new byte[8]);

    /// <summary>a, b, c own (-6000, 0], (0, 6000]... ; d joins with 3000 (takes (0, 3000] as primary).</summary>
    private static ClusterSnapshot Join(IReplicationStrategy strategy) => ClusterSnapshot.Build(new Dictionary<string, EndpointState>
    {
        ["a"] = State(NodeStatus.Normal, 1, [-6_000]),
        ["b"] = State(NodeStatus.Normal, 2, [0]),
        ["c"] = State(NodeStatus.Normal, 3, [6_000]),
        ["d"] = State(NodeStatus.Boot, 4, [3_000]),
    }, strategy);

    private static IReadOnlyList<StreamTask> Plan(ClusterSnapshot cluster, IReplicationStrategy strategy, Func<string, bool> alive, SourcePolicy policy,
        params string[] tables) =>
        StreamPlanner.Plan([(strategy, tables, cluster)], alive, policy, _ => true);

    [Fact]
    public void LosingReplica_streams_from_the_node_that_loses_the_range()
    {
        var rf1 = new SimpleStrategy(1);
        var tasks = Plan(Join(rf1), rf1, _ => true, SourcePolicy.LosingReplica, "ks.t");
        // d takes (0, 3000] from c, the only replica of (0, 6000] now.
        StreamTask task = Assert.Single(tasks);
        Assert.Equal("c", task.Source);
        Assert.Equal("d", task.Target);
        Assert.Equal([new StreamItem("ks.t", 0, 3_000)], task.Items);

        var rf2 = new SimpleStrategy(2);
        ClusterSnapshot join2 = Join(rf2);
        foreach (RangeMovement move in RangeMovements.Compute(join2.Ring, join2.FutureRing(), rf2))
        {
            string losing = Assert.Single(move.Losing);
            Assert.Equal(losing, StreamPlanner.ChooseSource(move, _ => true, SourcePolicy.LosingReplica));
            Assert.Equal(losing, StreamPlanner.ChooseSource(move, _ => true, SourcePolicy.LosingReplicaOrAny));
        }
    }

    [Fact]
    public void LosingReplica_with_the_losing_node_down_is_refused_and_points_at_the_flag()
    {
        var rf2 = new SimpleStrategy(2);
        ClusterSnapshot join = Join(rf2);
        // With RF 2, d gains (0, 3000] (c loses it: replicas c, a -> d, c... ) and (-6000, 0]; find a losing node and kill it.
        RangeMovement move = RangeMovements.Compute(join.Ring, join.FutureRing(), rf2)[0];
        string dead = move.Losing[0];
        var e = Assert.Throws<TopologyRefusedException>(() => Plan(join, rf2, n => n != dead, SourcePolicy.LosingReplica, "ks.t"));
        Assert.Contains("--allow-inconsistent-bootstrap", e.Message, StringComparison.Ordinal);
        Assert.Contains(dead, e.Message, StringComparison.Ordinal);

        // The fallback policy streams from a live replica that keeps the range instead.
        string source = StreamPlanner.ChooseSource(move, n => n != dead, SourcePolicy.LosingReplicaOrAny);
        Assert.NotEqual(dead, source);
        Assert.Contains(source, move.Remaining);
        var tasks = Plan(join, rf2, n => n != dead, SourcePolicy.LosingReplicaOrAny, "ks.t");
        Assert.DoesNotContain(tasks, t => t.Source == dead);
        Assert.NotEmpty(tasks);
    }

    [Fact]
    public void No_live_replica_at_all_is_refused_naming_the_range()
    {
        var rf1 = new SimpleStrategy(1);
        var e = Assert.Throws<TopologyRefusedException>(() => Plan(Join(rf1), rf1, n => n == "d", SourcePolicy.LosingReplicaOrAny, "ks.t"));
        Assert.Contains("(0, 3000]", e.Message, StringComparison.Ordinal);
        Assert.Throws<TopologyRefusedException>(() => Plan(Join(rf1), rf1, n => n == "d", SourcePolicy.RemainingReplica, "ks.t"));
    }

    private sealed record Scenario(Dictionary<string, EndpointState> States, int Rf, bool[] Alive, long[] Probes);

    // 3..6 nodes with 1..6 random tokens; one more joins (BOOT) or one is being removed (REMOVING), random liveness.
    private static readonly Gen<Scenario> Scenarios =
        Gen.Select(Gen.Int[3, 6], Gen.Int[1, 6], Gen.Int, Gen.Int[1, 3], Gen.Bool, Gen.Bool.Array[7], Gen.Long.Array[30])
           .Select((nodes, tokens, seed, rf, join, alive, probes) =>
           {
               var random = new Random(seed);
               var taken = new HashSet<long>();
               long[] Draw() => [.. Enumerable.Range(0, tokens).Select(_ =>
               {
                   long t;
                   do t = random.NextInt64(long.MinValue + 1, long.MaxValue); while (!taken.Add(t));
                   return t;
               })];
               var states = new Dictionary<string, EndpointState>();
               for (int i = 0; i < nodes; i++)
               {
                   states[$"n{i}"] = State(NodeStatus.Normal, i + 1, Draw(), removal: !join && i == 0 ? Removals.With(null, HostId(nodes), false) : null);
               }
               if (join) states[$"n{nodes}"] = State(NodeStatus.Boot, nodes + 1, Draw());
               return new Scenario(states, rf, alive, probes);
           });

    [Fact]
    public void Plans_use_live_sources_by_policy_never_wrap_and_cover_every_range_for_every_table()
    {
        string[] tables = ["ks.a", "ks.b"];
        Scenarios.Sample(sc =>
        {
            var strategy = new SimpleStrategy(sc.Rf);
            ClusterSnapshot cluster = ClusterSnapshot.Build(sc.States, strategy);
            var moves = RangeMovements.Compute(cluster.Ring, cluster.FutureRing(), strategy);
            bool IsAlive(string e) => sc.Alive[int.Parse(e.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)];
            foreach (SourcePolicy policy in Enum.GetValues<SourcePolicy>())
            {
                IReadOnlyList<StreamTask> tasks;
                try
                {
                    tasks = Plan(cluster, strategy, IsAlive, policy, tables);
                }
                catch (TopologyRefusedException)
                {
                    // Refused only when some movement has no usable live source under the policy.
                    Assert.Contains(moves, m => policy switch
                    {
                        SourcePolicy.LosingReplica => !m.Losing.Any(IsAlive),
                        _ => !m.Losing.Concat(m.Remaining).Any(IsAlive),
                    });
                    continue;
                }
                foreach (RangeMovement m in moves)
                {
                    string source = StreamPlanner.ChooseSource(m, IsAlive, policy);
                    Assert.True(IsAlive(source), $"{policy} chose dead {source}");
                    if (policy == SourcePolicy.LosingReplica) Assert.Contains(source, m.Losing);
                    if (policy == SourcePolicy.LosingReplicaOrAny && m.Losing.Any(IsAlive)) Assert.Contains(source, m.Losing);
                    if (policy == SourcePolicy.RemainingReplica && m.Remaining.Any(IsAlive)) Assert.Contains(source, m.Remaining);
                }
                Assert.All(tasks, t => Assert.True(IsAlive(t.Source)));
                Assert.All(tasks.SelectMany(t => t.Items), i => Assert.True(i.StartExclusive < i.EndInclusive, $"wrapping item {i}"));
                // Every table gets every gained range of every target, once.
                foreach (Token probe in sc.Probes.Where(p => p != long.MinValue).Concat(moves.SelectMany(m => new[] { m.Range.Right.Value, m.Range.Left.Value }))
                    .Where(p => p != long.MinValue).Select(p => new Token(p)))
                {
                    foreach (string target in moves.Select(m => m.Target).Distinct())
                    {
                        bool gains = moves.Any(m => m.Target == target && m.Range.Contains(probe));
                        foreach (string table in tables)
                        {
                            int covering = tasks.Where(t => t.Target == target).SelectMany(t => t.Items)
                                .Count(i => i.Table == table && probe.Value > i.StartExclusive && probe.Value <= i.EndInclusive);
                            Assert.Equal(gains ? 1 : 0, covering);
                        }
                    }
                }
            }
        }, iter: 300);
    }
}
