using RingStore.Gossip.FailureDetection;
using RingStore.Gossip.Messages;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>
/// One node's gossip state machine (Cassandra's SYN / ACK / ACK2 anti-entropy). Pure: every call takes `now`
/// (monotonic time from the host's TimeProvider) and returns the messages to send and the events raised; the
/// seeded Random picks peers. No sockets, timers or locks: the host calls it from one loop.
/// </summary>
public sealed partial class Gossiper
{
    private readonly Dictionary<string, EndpointState> _states = new(StringComparer.Ordinal);
    private readonly IndexedSet _live = new();
    private readonly IndexedSet _unreachable = new();
    private readonly Dictionary<string, TimeSpan> _leftSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Generation, TimeSpan At)> _justRemoved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seeds;
    private readonly Random _random;
    private readonly List<OutgoingMessage> _outbox = [];
    private readonly List<GossipEvent> _events = [];
    private int _version;

    public Gossiper(string localEndpoint, GossiperOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        LocalEndpoint = localEndpoint;
        Options = options;
        _random = random;
        _seeds = new HashSet<string>(options.Seeds.Where(s => s != localEndpoint), StringComparer.Ordinal);
        FailureDetector = new PhiAccrualFailureDetector(options.FailureDetector);
    }

    public string LocalEndpoint { get; }

    public GossiperOptions Options { get; }

    public PhiAccrualFailureDetector FailureDetector { get; }

    public bool IsStarted => _states.ContainsKey(LocalEndpoint);

    public IReadOnlyDictionary<string, EndpointState> States => _states;

    public IReadOnlyList<string> LiveEndpoints => _live.Items;

    public IReadOnlyList<string> UnreachableEndpoints => _unreachable.Items;

    public bool IsAlive(string endpoint) => endpoint == LocalEndpoint || _live.Contains(endpoint);

    public EndpointState LocalState => _states[LocalEndpoint];

    /// <summary>Starts (or restarts) this node with a generation higher than any it used before, e.g. its start time in seconds.</summary>
    public void Start(int generation, IEnumerable<KeyValuePair<ApplicationState, string>> applicationStates)
    {
        ArgumentNullException.ThrowIfNull(applicationStates);
        _version = 0;
        _states[LocalEndpoint] = EndpointState.Create(generation);
        foreach (var (key, value) in applicationStates)
        {
            SetApplicationState(key, value);
        }
    }

    /// <summary>Publishes a new value for one of this node's states; it spreads with the next rounds.</summary>
    public void SetApplicationState(ApplicationState key, string value)
    {
        EndpointState local = LocalState;
        _states[LocalEndpoint] = local.With(key, new VersionedValue(value, ++_version));
    }

    /// <summary>One gossip round: beat the heart, convict silent peers, expire quarantines, send a SYN.</summary>
    public GossipOutput Tick(TimeSpan now)
    {
        EndpointState local = LocalState;
        _states[LocalEndpoint] = local.WithHeartbeat(local.Heartbeat with { Version = ++_version });

        FailureDetector.BeginRound(now);
        for (int i = _live.Count - 1; i >= 0; i--)
        {
            string peer = _live.Items[i];
            if (FailureDetector.ShouldConvict(peer, now))
            {
                MarkDown(peer);
            }
        }
        ExpireQuarantines(now);
        SendSyn();
        return Flush();
    }

    /// <summary>Graceful stop: tell every live peer we are going down so they stop routing to us at once.</summary>
    public GossipOutput Shutdown()
    {
        SetApplicationState(ApplicationState.Status, NodeStatus.Shutdown);
        var message = new GossipShutdown(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint,
            StateDeltas.Newer(LocalEndpoint, LocalState, 0));
        foreach (string peer in _live.Items)
        {
            _outbox.Add(new OutgoingMessage(peer, message));
        }
        return Flush();
    }

    public GossipOutput Receive(IGossipMessage message, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsStarted)
        {
            return GossipOutput.Empty;
        }
        switch (message)
        {
            case GossipSyn syn:
                OnSyn(syn);
                break;
            case GossipAck ack:
                OnAck(ack, now);
                break;
            case GossipAck2 ack2:
                ApplyStates(ack2.States, now);
                break;
            case GossipShutdown shutdown:
                ApplyStates([shutdown.State], now);
                if (_states.ContainsKey(shutdown.From))
                {
                    MarkDown(shutdown.From);
                }
                break;
        }
        return Flush();
    }

    private void SendSyn()
    {
        var digests = new GossipDigest[_states.Count];
        int k = 0;
        foreach (var (endpoint, state) in _states)
        {
            digests[k++] = new GossipDigest(endpoint, state.Heartbeat.Generation, state.MaxVersion);
        }
        var syn = new GossipSyn(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint, Options.ClusterName, digests);

        bool sentToSeed = false;
        if (_live.Count > 0)
        {
            string peer = _live.Pick(_random);
            _outbox.Add(new OutgoingMessage(peer, syn));
            sentToSeed = _seeds.Contains(peer);
        }
        // Probe the unreachable sometimes: that is how a healed partition or a restarted node is noticed.
        if (_unreachable.Count > 0 && _random.NextDouble() < _unreachable.Count / (double)(_live.Count + 1))
        {
            _outbox.Add(new OutgoingMessage(_unreachable.Pick(_random), syn));
        }
        // Seeds keep the cluster from splitting into islands that never hear of each other.
        if (_seeds.Count > 0 && (!sentToSeed || _live.Count < _seeds.Count))
        {
            double probability = _live.Count == 0 ? 1.0 : _seeds.Count / (double)(_live.Count + _unreachable.Count);
            if (_random.NextDouble() <= probability)
            {
                string seed = _seeds.ElementAt(_random.Next(_seeds.Count));
                _outbox.Add(new OutgoingMessage(seed, syn));
            }
        }
    }

    private void OnSyn(GossipSyn syn)
    {
        if (syn.ClusterName != Options.ClusterName)
        {
            return; // another cluster on the same network: never merge its state into ours
        }
        var requests = new List<GossipDigest>();
        var states = new List<EndpointStateDelta>();
        foreach (GossipDigest digest in syn.Digests)
        {
            if (!_states.TryGetValue(digest.Endpoint, out EndpointState? local))
            {
                if (!IsQuarantined(digest.Endpoint, digest.Generation))
                {
                    requests.Add(digest with { MaxVersion = 0 });
                }
                continue;
            }
            int localGeneration = local.Heartbeat.Generation;
            if (digest.Generation > localGeneration)
            {
                requests.Add(digest with { MaxVersion = 0 }); // restarted: we need everything of the new generation
            }
            else if (digest.Generation < localGeneration)
            {
                states.Add(StateDeltas.Newer(digest.Endpoint, local, 0));
            }
            else if (digest.MaxVersion > local.MaxVersion)
            {
                requests.Add(digest with { MaxVersion = local.MaxVersion });
            }
            else if (digest.MaxVersion < local.MaxVersion)
            {
                states.Add(StateDeltas.Newer(digest.Endpoint, local, digest.MaxVersion));
            }
        }
        // Unlike Cassandra, also send what the sender has never heard of: a new node learns the whole cluster
        // from its first seed round instead of one endpoint per round. Free in steady state (equal views).
        if (syn.Digests.Length < _states.Count + requests.Count)
        {
            var listed = new HashSet<string>(syn.Digests.Select(d => d.Endpoint), StringComparer.Ordinal);
            foreach (var (endpoint, state) in _states)
            {
                if (!listed.Contains(endpoint))
                {
                    states.Add(StateDeltas.Newer(endpoint, state, 0));
                }
            }
        }
        var ack = new GossipAck(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint, [.. requests], [.. states]);
        _outbox.Add(new OutgoingMessage(syn.From, ack));
    }

    private void OnAck(GossipAck ack, TimeSpan now)
    {
        ApplyStates(ack.States, now);
        if (ack.Requests.Length == 0)
        {
            return;
        }
        var states = new List<EndpointStateDelta>(ack.Requests.Length);
        foreach (GossipDigest request in ack.Requests)
        {
            if (_states.TryGetValue(request.Endpoint, out EndpointState? local) && local.Heartbeat.Generation >= request.Generation)
            {
                int above = local.Heartbeat.Generation == request.Generation ? request.MaxVersion : 0;
                states.Add(StateDeltas.Newer(request.Endpoint, local, above));
            }
        }
        if (states.Count > 0)
        {
            _outbox.Add(new OutgoingMessage(ack.From, new GossipAck2(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint, [.. states])));
        }
    }

    private GossipOutput Flush()
    {
        if (_outbox.Count == 0 && _events.Count == 0)
        {
            return GossipOutput.Empty;
        }
        var output = new GossipOutput([.. _outbox], [.. _events]);
        _outbox.Clear();
        _events.Clear();
        return output;
    }
}
