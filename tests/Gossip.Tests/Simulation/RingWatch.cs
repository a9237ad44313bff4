using System.Text;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Gossip.Simulation;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Tests.Simulation;

/// <summary>
/// A small simulated cluster whose nodes gossip tokens and host ids, for topology changes (join, leave, removenode)
/// under loss and delay. Everything derives from the seed: tokens, host ids, loss rate, strategy and the run itself.
/// </summary>
internal sealed class TopologyCluster
{
    public const int VnodesPerNode = 8;

    public static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(30);

    private readonly Random _stalls;

    /// <param name="rough">Delays up to 3 s instead of 300 ms, and every announcement stalls another node for 5-20 s (a GC pause).</param>
    /// <param name="leftRetention">How long LEFT states are kept; the quarantine unless said (so the forgetting itself is exercised).</param>
    public TopologyCluster(int seed, int endpoints, bool rough = false, TimeSpan? leftRetention = null)
    {
        Seed = seed;
        Rough = rough;
        _stalls = new Random(seed + 1);
        Loss = 0.10 + 0.10 * (seed % 3); // 10, 20 or 30 % of messages lost
        Strategy = seed % 2 == 0
            ? new SimpleStrategy(3)
            : new NetworkTopologyStrategy(new Dictionary<string, int>(StringComparer.Ordinal) { ["dc1"] = 3 });
        Sim = new GossipSimulation(new SimulationOptions
        {
            Seed = seed,
            LossProbability = Loss,
            MinDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(rough ? 3000 : 300),
            Gossip = new GossiperOptions
            {
                Seeds = [SimulationTestKit.Name(0), SimulationTestKit.Name(1)],
                QuarantineDelay = Quarantine,
                LeftStateRetention = leftRetention ?? Quarantine,
            },
        });
        var random = new Random(seed * 7919 + 17);
        var used = new HashSet<long>();
        for (int i = 0; i < endpoints; i++)
        {
            var tokens = new List<Token>();
            while (tokens.Count < VnodesPerNode)
            {
                long t = random.NextInt64(long.MinValue, long.MaxValue);
                if (used.Add(t))
                {
                    tokens.Add(new Token(t));
                }
            }
            Tokens.Add(tokens);
            var bytes = new byte[16];
            random.NextBytes(bytes);
            HostIds.Add(new Guid(bytes));
        }
        Watch = new RingWatch(Sim, Strategy, $"seed {seed} ({Loss:P0} loss, {Strategy.GetType().Name}{(rough ? ", rough" : "")})");
    }

    public int Seed { get; }

    public bool Rough { get; }

    public double Loss { get; }

    public IReplicationStrategy Strategy { get; }

    public GossipSimulation Sim { get; }

    public RingWatch Watch { get; }

    public List<IReadOnlyList<Token>> Tokens { get; } = [];

    public List<Guid> HostIds { get; } = [];

    public static string Name(int i) => SimulationTestKit.Name(i);

    public NodeInfo Node(int i) => new(Name(i), "dc1", $"rack{i % 3}");

    public RingMember Member(int i) => new(Node(i), Tokens[i]);

    /// <summary>What a node gossips from its start: identity and location, plus TOKENS and NORMAL when it already owns its tokens.</summary>
    public List<KeyValuePair<ApplicationState, string>> States(int i, bool owner)
    {
        var states = new List<KeyValuePair<ApplicationState, string>>
        {
            KeyValuePair.Create(ApplicationState.HostId, HostIds[i].ToString("D")),
            KeyValuePair.Create(ApplicationState.Datacenter, "dc1"),
            KeyValuePair.Create(ApplicationState.Rack, $"rack{i % 3}"),
        };
        if (owner)
        {
            states.Add(KeyValuePair.Create(ApplicationState.Tokens, TokensValue.Format(Tokens[i])));
            states.Add(KeyValuePair.Create(ApplicationState.Status, NodeStatus.Normal));
        }
        return states;
    }

    /// <summary>Starts nodes 0..count-1 as NORMAL owners of a long-converged cluster.</summary>
    public void StartOwners(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Sim.AddNode(Name(i), States(i, owner: true));
        }
        Sim.PreConverge();
        foreach (SimulatedNode node in Sim.Nodes)
        {
            Watch.Publish(node);
        }
        Watch.ObserveAll();
    }

    /// <summary>SetApplicationState on a node's own gossiper, as the real node does, then checks its view at once.</summary>
    public void Set(string endpoint, ApplicationState key, string value)
    {
        Sim[endpoint].Gossiper.SetApplicationState(key, value);
        Watch.Publish(Sim[endpoint]);
        Watch.ObserveAll();
        if (Rough)
        {
            var others = Running.Where(n => n.Endpoint != endpoint).ToList();
            Sim.Pause(others[_stalls.Next(others.Count)].Endpoint, TimeSpan.FromSeconds(5 + _stalls.NextDouble() * 15));
        }
    }

    public IEnumerable<SimulatedNode> Running => Sim.Nodes.Where(n => n.IsRunning);

    /// <summary>The ring as text: "token:owner" in token order.</summary>
    public static string RingText(RingSnapshot ring)
    {
        var text = new StringBuilder();
        for (int i = 0; i < ring.VnodeCount; i++)
        {
            text.Append(ring.TokenAt(i).Value).Append(':').Append(ring.NodeAt(i).Endpoint).Append(',');
        }
        return text.ToString();
    }

    public static string RingText(IEnumerable<RingMember> members) => RingText(RingSnapshot.Create(members));
}

/// <summary>
/// Rebuilds each node's <see cref="ClusterSnapshot"/> from its gossiper at every step: on every event the node
/// raises (as the real node's GossipService publishes a new MembershipSnapshot) and for every node every <see cref="Step"/> of virtual time. Runs
/// the scenario's invariant on each, checks that no two nodes map one token to different owners, and records
/// each node's sequence of distinct snapshots ("ring versions") for determinism checks.
/// </summary>
internal sealed class RingWatch
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    private readonly GossipSimulation _sim;
    private readonly IReplicationStrategy _strategy;
    private readonly string _label;
    private readonly Dictionary<string, string> _lastFingerprint = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);

    public RingWatch(GossipSimulation sim, IReplicationStrategy strategy, string label)
    {
        _sim = sim;
        _strategy = strategy;
        _label = label;
        sim.EventSink = (_, observer, _) => Publish(sim[observer]);
    }

    /// <summary>Checked on every snapshot built: (observing node, its snapshot). Throw to fail.</summary>
    public Action<SimulatedNode, ClusterSnapshot>? Invariant { get; set; }

    /// <summary>"time|node|snapshot" each time a node's snapshot differs from its previous one.</summary>
    public List<string> Versions { get; } = [];

    public Dictionary<string, ClusterSnapshot> Current { get; } = new(StringComparer.Ordinal);

    public long Builds { get; private set; }

    /// <summary>
    /// As the real node (GossipService): a new snapshot is published only when a gossip call raised events or the
    /// node set one of its own states. <see cref="ObserveAll"/> checks that it never differs from a fresh build, i.e.
    /// that no ring-relevant change happens without an event.
    /// </summary>
    public ClusterSnapshot Publish(SimulatedNode node)
    {
        ClusterSnapshot snapshot = Observe(node);
        _published[node.Endpoint] = Fingerprint(snapshot);
        return snapshot;
    }

    public ClusterSnapshot Observe(SimulatedNode node)
    {
        ClusterSnapshot snapshot;
        try
        {
            snapshot = ClusterSnapshot.Build(node.Gossiper.States, _strategy);
            Builds++;
            Invariant?.Invoke(node, snapshot);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{_label}, t={_sim.Now.TotalSeconds:F3} s, view of {node.Endpoint}: {e.Message}", e);
        }
        Current[node.Endpoint] = snapshot;
        string fingerprint = Fingerprint(snapshot);
        if (!_lastFingerprint.TryGetValue(node.Endpoint, out string? last) || last != fingerprint)
        {
            _lastFingerprint[node.Endpoint] = fingerprint;
            Versions.Add($"{_sim.Now.Ticks}|{node.Endpoint}|{fingerprint}");
        }
        return snapshot;
    }

    /// <summary>Observes every running node, then checks that a token has the same owner in every node's ring.</summary>
    public void ObserveAll()
    {
        var owners = new Dictionary<long, string>();
        foreach (SimulatedNode node in _sim.Nodes.Where(n => n.IsRunning))
        {
            ClusterSnapshot snapshot = Observe(node);
            if (_published.TryGetValue(node.Endpoint, out string? published) && published != Fingerprint(snapshot))
            {
                throw new InvalidOperationException($"{_label}, t={_sim.Now.TotalSeconds:F3} s: {node.Endpoint}'s ring changed without a gossip event: "
                    + $"published {published}, now {Fingerprint(snapshot)}");
            }
            RingSnapshot ring = snapshot.Ring;
            for (int i = 0; i < ring.VnodeCount; i++)
            {
                long token = ring.TokenAt(i).Value;
                string owner = ring.NodeAt(i).Endpoint;
                if (owners.TryGetValue(token, out string? other) && other != owner)
                {
                    throw new InvalidOperationException($"{_label}, t={_sim.Now.TotalSeconds:F3} s: token {token} is {other}'s in one view, {owner}'s in {node.Endpoint}'s");
                }
                owners[token] = owner;
            }
        }
    }

    public void RunFor(TimeSpan duration)
    {
        TimeSpan end = _sim.Now + duration;
        while (_sim.Now < end)
        {
            TimeSpan step = end - _sim.Now < Step ? end - _sim.Now : Step;
            _sim.RunFor(step);
            ObserveAll();
        }
    }

    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        TimeSpan end = _sim.Now + limit;
        while (_sim.Now < end)
        {
            if (condition())
            {
                return true;
            }
            RunFor(Step);
        }
        return condition();
    }

    /// <summary>Every running node's latest snapshot has the same ring, joiners, leavers and pending ranges.</summary>
    public bool AllAgree() =>
        _sim.Nodes.Where(n => n.IsRunning).Select(n => _lastFingerprint.GetValueOrDefault(n.Endpoint)).Distinct().Count() == 1;

    public bool NoPendingAnywhere() =>
        _sim.Nodes.Where(n => n.IsRunning).All(n => Current.TryGetValue(n.Endpoint, out var s) && s.Pending.IsEmpty && s.Joining.Count == 0 && s.Leaving.Count == 0);

    public static string Fingerprint(ClusterSnapshot s)
    {
        var text = new StringBuilder(TopologyCluster.RingText(s.Ring));
        text.Append("|J:").AppendJoin(',', s.Joining.Select(j => j.Node.Endpoint).Order(StringComparer.Ordinal));
        text.Append("|L:").AppendJoin(',', s.Leaving.Order(StringComparer.Ordinal));
        text.Append("|P:");
        foreach (var (range, endpoints) in s.Pending.Segments())
        {
            text.Append(range.ToString()).Append('>').AppendJoin('+', endpoints.Select(e => e.Endpoint).Order(StringComparer.Ordinal)).Append(',');
        }
        return text.ToString();
    }

    /// <summary>
    /// The snapshot's pending ranges are exactly what <see cref="RangeMovements.Compute"/> says must move between its
    /// ring and its future ring: for every piece of the ring (bounded by the tokens of both rings), the same set of
    /// endpoints. Returns every endpoint with something pending.
    /// </summary>
    public static HashSet<string> AssertPendingIsTheMovements(ClusterSnapshot s, IReplicationStrategy strategy)
    {
        RingSnapshot future = s.FutureRing();
        IReadOnlyList<RangeMovement> moves = RangeMovements.Compute(s.Ring, future, strategy);
        var targets = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<long> bounds = Enumerable.Range(0, s.Ring.VnodeCount).Select(i => s.Ring.TokenAt(i).Value)
            .Concat(Enumerable.Range(0, future.VnodeCount).Select(i => future.TokenAt(i).Value)).Distinct().Order();
        foreach (long bound in bounds)
        {
            var token = new Token(bound);
            string expected = string.Join(',', moves.Where(m => m.Range.Contains(token)).Select(m => m.Target).Distinct().Order(StringComparer.Ordinal));
            string actual = string.Join(',', s.Pending.PendingFor(token).Select(n => n.Endpoint).Order(StringComparer.Ordinal));
            if (expected != actual)
            {
                throw new InvalidOperationException($"piece ending at {bound}: pending [{actual}] but the movements say [{expected}]");
            }
            targets.UnionWith(s.Pending.PendingFor(token).Select(n => n.Endpoint));
        }
        return targets;
    }

    /// <summary>No read for any token of either ring goes to <paramref name="endpoint"/>.</summary>
    public static void AssertNeverANaturalReplica(ClusterSnapshot s, string endpoint, IReplicationStrategy strategy)
    {
        Assert.True(s.Ring.Topology.IndexOf(endpoint) < 0, $"{endpoint} is in the ring");
        RingSnapshot future = s.FutureRing();
        for (int i = 0; i < future.VnodeCount; i++)
        {
            Assert.DoesNotContain(s.Ring.GetNaturalReplicas(future.TokenAt(i), strategy), n => n.Endpoint == endpoint);
        }
    }

    public static int StatusVersion(EndpointState? state, ApplicationState key) =>
        state?.ApplicationStates.GetValueOrDefault(key)?.Version ?? 0;
}
