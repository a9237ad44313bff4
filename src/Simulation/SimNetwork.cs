namespace RingStore.Simulation;

/// <summary>
/// The in-memory network: per-message delay from the run's latency distribution, a share of slow messages that
/// later ones overtake, loss, duplication, and partitions (two-way, or one-way: A's messages to B are lost while
/// B's reach A). A message to a node that is down when it arrives is dropped; one to a paused node waits until it
/// resumes. A node's messages to itself are never lost, delayed or duplicated. Every send, delivery and drop is
/// logged. <see cref="Calm"/> switches the random faults off for the drain tail.
/// </summary>
public sealed class SimNetwork
{
    private readonly SimScheduler _scheduler;
    private readonly Random _random;
    private readonly SimulationOptions _options;
    private readonly EventLog _log;
    private readonly Dictionary<string, SimNode> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<(string From, string To)> _blocked = [];

    public SimNetwork(SimScheduler scheduler, Random random, SimulationOptions options, EventLog log)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(options);
        _scheduler = scheduler;
        _random = random;
        _options = options;
        _log = log;
        LossProbability = options.Faults.HasFlag(SimFaults.Loss) ? random.NextDouble() * options.MaxLossProbability : 0;
        DuplicateProbability = options.Faults.HasFlag(SimFaults.Duplicate) ? random.NextDouble() * options.MaxDuplicateProbability : 0;
        SlowProbability = options.Faults.HasFlag(SimFaults.Reorder) ? options.SlowMessageProbability : 0;
        Latency = options.Latency ?? (LatencyDistribution)random.Next(3);
    }

    public double LossProbability { get; }
    public double DuplicateProbability { get; }
    public double SlowProbability { get; }
    public LatencyDistribution Latency { get; }

    /// <summary>No more loss, duplication or slow messages (partitions are healed by whoever made them).</summary>
    public bool Calm { get; set; }

    public long Sent { get; private set; }
    public long Dropped { get; private set; }
    public long Duplicated { get; private set; }

    public void Register(SimNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes[node.Endpoint] = node;
    }

    public bool IsPartitioned => _blocked.Count > 0;

    /// <summary>Messages from any of <paramref name="from"/> to any of <paramref name="to"/> are lost until <see cref="Heal"/>.</summary>
    public void Block(IReadOnlyCollection<string> from, IReadOnlyCollection<string> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        foreach (var a in from)
            foreach (var b in to)
                _blocked.Add((a, b));
    }

    public void Heal() => _blocked.Clear();

    /// <param name="key">The client key the message concerns (-1: none), so a violation's trace can pick it out.</param>
    public void Send(string from, string to, long requestId, object payload, int key)
    {
        Sent++;
        bool ping = payload is Ping or Pong or GossipPacket;
        if (from == to)
        {
            Deliver(from, to, requestId, payload, key, TimeSpan.Zero, ping);
            return;
        }
        string what = ping ? "" : $"{from} -> {to} #{requestId} {SimPayloads.Describe(payload)}";
        if (_blocked.Contains((from, to)))
        {
            Dropped++;
            if (!ping) _log.Add(_scheduler.Now, key, what + ": dropped (partition)");
            return;
        }
        if (!Calm && _random.NextDouble() < LossProbability)
        {
            Dropped++;
            if (!ping) _log.Add(_scheduler.Now, key, what + ": lost");
            return;
        }
        if (!ping) _log.Add(_scheduler.Now, key, what);
        Deliver(from, to, requestId, payload, key, NextDelay(), ping);
        if (!Calm && _random.NextDouble() < DuplicateProbability)
        {
            Duplicated++;
            if (!ping) _log.Add(_scheduler.Now, key, $"{from} -> {to} #{requestId}: duplicated");
            Deliver(from, to, requestId, payload, key, NextDelay(), ping);
        }
    }

    private TimeSpan NextDelay() =>
        !Calm && _random.NextDouble() < SlowProbability
            ? TimeSpan.FromMilliseconds(50 + _random.NextDouble() * 100)
            : LatencySampler.Next(Latency, _random, _options.MinDelay, _options.MaxDelay);

    private void Deliver(string from, string to, long requestId, object payload, int key, TimeSpan delay, bool ping)
    {
        var target = _nodes[to];
        _scheduler.After(delay, () => Arrive(target, from, requestId, payload, key, ping));
    }

    private void Arrive(SimNode target, string from, long requestId, object payload, int key, bool ping)
    {
        if (!target.IsRunning)
        {
            Dropped++;
            if (!ping) _log.Add(_scheduler.Now, key, $"{target.Endpoint} <- {from} #{requestId}: dropped (node down)");
            return;
        }
        if (target.PausedUntil > _scheduler.Now)
        {
            // A paused process reads its socket when it resumes: queued in arrival order behind what came first.
            _scheduler.At(target.PausedUntil, () => Arrive(target, from, requestId, payload, key, ping));
            return;
        }
        if (!ping) _log.Add(_scheduler.Now, key, $"{target.Endpoint} <- {from} #{requestId}");
        target.Receive(from, requestId, payload, key);
    }
}
