using RingStore.Gossip.FailureDetection;
using RingStore.Gossip.Messages;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Protocol;

/// <summary>
/// One node's gossip state machine (Cassandra's SYN / ACK / ACK2 anti-entropy). Pure: every call takes `now`
/// (monotonic time from the host's TimeProvider) and returns the messages to send and the events raised; the
/// seeded Random picks peers. No sockets, timers or locks: the host calls it from one loop.
/// </summary>
/// <remarks>
/// A SYN carries a digest per known endpoint, so a round costs O(N) per message and O(N^2) cluster-wide: per
/// digest there is one dictionary lookup (everything about a peer hangs off its <see cref="PeerEntry"/>) and no
/// allocation beyond the delta or request the reply carries.
/// </remarks>
public sealed partial class Gossiper
{
    private readonly Dictionary<string, PeerEntry> _peers = new(StringComparer.Ordinal);
    private readonly PeerSet _live = new(live: true);
    private readonly PeerSet _unreachable = new(live: false);
    // When to forget an endpoint that left (LeftStateRetention after LEFT) or was scheduled (QuarantineDelay).
    private readonly Dictionary<string, TimeSpan> _forgetAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Generation, TimeSpan At)> _justRemoved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seeds;
    private readonly Random _random;
    private readonly List<OutgoingMessage> _outbox = [];
    private readonly List<GossipEvent> _events = [];
    // Scratch for building replies; copied into the message arrays, then cleared.
    private readonly List<GossipDigest> _requestScratch = [];
    private readonly List<EndpointStateDelta> _deltaScratch = [];
    private PeerEntry? _local;
    private int _version;
    private TimeSpan? _lastBeat;

    public Gossiper(string localEndpoint, GossiperOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        LocalEndpoint = localEndpoint;
        Options = options;
        _random = random;
        _seeds = new HashSet<string>(options.Seeds.Where(s => s != localEndpoint), StringComparer.Ordinal);
        FailureDetector = new PhiAccrualFailureDetector(options.FailureDetector);
        States = new EndpointStatesView(_peers);
    }

    public string LocalEndpoint { get; }

    public GossiperOptions Options { get; }

    public PhiAccrualFailureDetector FailureDetector { get; }

    public bool IsStarted => _local is not null;

    /// <summary>Every known endpoint's state (this node's included); a live view, not a copy.</summary>
    public IReadOnlyDictionary<string, EndpointState> States { get; }

    public IReadOnlyList<string> LiveEndpoints => _live.Items;

    public IReadOnlyList<string> UnreachableEndpoints => _unreachable.Items;

    public bool IsAlive(string endpoint) =>
        endpoint == LocalEndpoint || (_peers.TryGetValue(endpoint, out PeerEntry? peer) && peer.LiveSlot >= 0);

    public EndpointState LocalState => Local.State;

    private PeerEntry Local => _local ?? throw new KeyNotFoundException($"The gossiper of {LocalEndpoint} has not been started.");

    /// <summary>Starts (or restarts) this node with a generation higher than any it used before, e.g. its start time in seconds.</summary>
    public void Start(int generation, IEnumerable<KeyValuePair<ApplicationState, string>> applicationStates)
    {
        ArgumentNullException.ThrowIfNull(applicationStates);
        _version = 0;
        _lastBeat = null;
        EndpointState initial = EndpointState.Create(generation);
        if (_local is null && !_peers.TryGetValue(LocalEndpoint, out _local))
        {
            _local = new PeerEntry(LocalEndpoint, initial);
            _peers.Add(LocalEndpoint, _local);
        }
        _local.State = initial;
        foreach (var (key, value) in applicationStates)
        {
            SetApplicationState(key, value);
        }
    }

    /// <summary>Publishes a new value for one of this node's states; it spreads with the next rounds.</summary>
    public void SetApplicationState(ApplicationState key, string value)
    {
        PeerEntry local = Local;
        local.State = local.State.With(key, new VersionedValue(value, ++_version));
    }

    /// <summary>One gossip round: beat the heart, convict silent peers, expire quarantines, send a SYN.</summary>
    public GossipOutput Tick(TimeSpan now)
    {
        Beat(now);
        bool resumed = FailureDetector.BeginRound(now);
        for (int i = _live.Count - 1; i >= 0; i--)
        {
            PeerEntry peer = _live[i];
            if (FailureDetector.ShouldConvict(WindowOf(peer), now, peer.LastContactTicks))
            {
                MarkDown(peer);
            }
        }
        ExpireQuarantines(now);
        // Just back from a stall of our own (GC, VM freeze): our peers have not heard a newer heartbeat of ours for the
        // whole stall, plus however stale it already was before. Exchanging with several peers at once puts the fresh
        // heartbeat in many places this round instead of leaving it to spread from one over log2 N rounds, so the
        // silence they see stays near the stall itself and a 2 s stall stays clear of the 3 s minimum silence.
        SendSyn(resumed ? Math.Max(1, Options.SynFanoutAfterLocalPause) : 1);
        return Flush();
    }

    /// <summary>A newer heartbeat: what tells every peer this process is still running.</summary>
    private void Beat(TimeSpan now)
    {
        PeerEntry local = Local;
        local.Heartbeat = local.Heartbeat with { Version = ++_version };
        _lastBeat = now;
    }

    /// <summary>Graceful stop: tell every live peer we are going down so they stop routing to us at once.</summary>
    public GossipOutput Shutdown()
    {
        // Only an owner announces "shutdown" (it keeps its tokens and comes back). A joining, leaving or departed node
        // keeps what it said: a joiner that stops must not turn into an owner of ranges it never received.
        if (LocalState.Status == NodeStatus.Normal)
        {
            SetApplicationState(ApplicationState.Status, NodeStatus.Shutdown);
        }
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
        if (_lastBeat is { } beat && now - beat > FailureDetector.Options.MaxLocalPause)
        {
            // Messages that queued up while this process was stalled are handled before its next round: beat now so
            // the replies to them already carry a heartbeat newer than the stall (they would repeat the old one).
            Beat(now);
        }
        string? shutdownFrom = null;
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
                // Not a contact that says "alive": the peer is going down.
                shutdownFrom = shutdown.From;
                ApplyStates([shutdown.State], now);
                if (_peers.TryGetValue(shutdown.From, out PeerEntry? peer))
                {
                    MarkDown(peer);
                }
                break;
        }
        if (shutdownFrom is null && message.From != LocalEndpoint && _peers.TryGetValue(message.From, out PeerEntry? sender))
        {
            sender.LastContactTicks = now.Ticks;
        }
        return Flush();
    }

    private void SendSyn(int fanout)
    {
        var digests = new GossipDigest[_peers.Count];
        int k = 0;
        foreach (var (endpoint, peer) in _peers)
        {
            digests[k++] = new GossipDigest(endpoint, peer.Heartbeat.Generation, peer.MaxVersion);
        }
        var syn = new GossipSyn(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint, Options.ClusterName, digests);

        bool sentToSeed = false;
        if (_live.Count > 0 && fanout == 1)
        {
            // The usual round; draws from the seeded Random exactly as before the fan-out existed.
            string peer = _live.Pick(_random).Endpoint;
            _outbox.Add(new OutgoingMessage(peer, syn));
            sentToSeed = _seeds.Contains(peer);
        }
        else if (_live.Count > 0)
        {
            // Distinct random peers (all when there are no more): a partial Fisher-Yates over the indexes. Only after a
            // stall, so the scratch array costs nothing that matters.
            int[] order = [.. Enumerable.Range(0, _live.Count)];
            for (int i = 0; i < Math.Min(fanout, order.Length); i++)
            {
                int j = i + _random.Next(order.Length - i);
                (order[i], order[j]) = (order[j], order[i]);
                string peer = _live[order[i]].Endpoint;
                _outbox.Add(new OutgoingMessage(peer, syn));
                sentToSeed |= _seeds.Contains(peer);
            }
        }
        // Probe the unreachable sometimes: that is how a healed partition or a restarted node is noticed.
        if (_unreachable.Count > 0 && _random.NextDouble() < _unreachable.Count / (double)(_live.Count + 1))
        {
            _outbox.Add(new OutgoingMessage(_unreachable.Pick(_random).Endpoint, syn));
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
        List<GossipDigest> requests = _requestScratch;
        List<EndpointStateDelta> states = _deltaScratch;
        foreach (GossipDigest digest in syn.Digests)
        {
            if (!_peers.TryGetValue(digest.Endpoint, out PeerEntry? peer))
            {
                if (!IsQuarantined(digest.Endpoint, digest.Generation))
                {
                    requests.Add(digest with { MaxVersion = 0 });
                }
                continue;
            }
            int localGeneration = peer.Heartbeat.Generation;
            if (digest.Generation > localGeneration)
            {
                requests.Add(digest with { MaxVersion = 0 }); // restarted: we need everything of the new generation
                continue;
            }
            if (digest.Generation < localGeneration)
            {
                states.Add(StateDeltas.Newer(peer, 0));
                continue;
            }
            int localMaxVersion = peer.MaxVersion;
            if (digest.MaxVersion > localMaxVersion)
            {
                requests.Add(digest with { MaxVersion = localMaxVersion });
            }
            else if (digest.MaxVersion < localMaxVersion)
            {
                states.Add(StateDeltas.Newer(peer, digest.MaxVersion));
            }
        }
        // Unlike Cassandra, also send what the sender has never heard of: a new node learns the whole cluster
        // from its first seed round instead of one endpoint per round. Free in steady state (equal views).
        if (syn.Digests.Length < _peers.Count + requests.Count)
        {
            var listed = new HashSet<string>(syn.Digests.Length, StringComparer.Ordinal);
            foreach (GossipDigest digest in syn.Digests)
            {
                listed.Add(digest.Endpoint);
            }
            foreach (var (endpoint, peer) in _peers)
            {
                if (!listed.Contains(endpoint))
                {
                    states.Add(StateDeltas.Newer(peer, 0));
                }
            }
        }
        var ack = new GossipAck(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint, [.. requests], [.. states]);
        requests.Clear();
        states.Clear();
        _outbox.Add(new OutgoingMessage(syn.From, ack));
    }

    private void OnAck(GossipAck ack, TimeSpan now)
    {
        ApplyStates(ack.States, now);
        if (ack.Requests.Length == 0)
        {
            return;
        }
        List<EndpointStateDelta> states = _deltaScratch;
        foreach (GossipDigest request in ack.Requests)
        {
            if (_peers.TryGetValue(request.Endpoint, out PeerEntry? peer) && peer.Heartbeat.Generation >= request.Generation)
            {
                int above = peer.Heartbeat.Generation == request.Generation ? request.MaxVersion : 0;
                states.Add(StateDeltas.Newer(peer, above));
            }
        }
        if (states.Count > 0)
        {
            _outbox.Add(new OutgoingMessage(ack.From, new GossipAck2(GossipMessageSerializer.CurrentProtocolVersion, LocalEndpoint, [.. states])));
            states.Clear();
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
