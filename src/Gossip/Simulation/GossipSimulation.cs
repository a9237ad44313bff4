using System.Buffers;
using RingStore.Gossip.Messages;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;

namespace RingStore.Gossip.Simulation;

/// <summary>
/// Deterministic, single-threaded simulator: a virtual clock, a seeded scheduler and an in-memory network with
/// loss, delay and partitions drive many <see cref="Gossiper"/>s. It is how gossip is tested at 1,000 nodes on a
/// 2-core machine: no sockets, no threads, no wall clock, and any failure replays from its seed.
/// </summary>
public sealed class GossipSimulation
{
    private readonly PriorityQueue<ScheduledItem, (long Ticks, long Sequence)> _queue = new();
    private readonly Dictionary<string, SimulatedNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<SimulatedNode> _order = [];
    private readonly Dictionary<string, int> _partitionOf = new(StringComparer.Ordinal);
    private readonly Random _random;
    private readonly ArrayBufferWriter<byte> _serialized = new();
    private long _sequence;

    public GossipSimulation(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _random = new Random(options.Seed);
        MeasureBytes = options.MeasureBytes;
    }

    public SimulationOptions Options { get; }

    public TimeSpan Now { get; private set; }

    public IReadOnlyList<SimulatedNode> Nodes => _order;

    public long MessagesSent { get; private set; }

    public long MessagesDropped { get; private set; }

    /// <summary>Wire bytes of every message sent while <see cref="MeasureBytes"/> was on.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Serialize every message to count <see cref="BytesSent"/>; starts as <see cref="SimulationOptions.MeasureBytes"/>.
    /// Switch it on for a few rounds of a large cluster rather than for the whole run.</summary>
    public bool MeasureBytes { get; set; }

    /// <summary>Called for every event any node raises: (time, observing node, event).</summary>
    public Action<TimeSpan, string, GossipEvent>? EventSink { get; set; }

    public SimulatedNode this[string endpoint] => _nodes[endpoint];

    /// <summary>Adds and starts a node; its first round comes at a random phase within one interval.</summary>
    public SimulatedNode AddNode(string endpoint, IEnumerable<KeyValuePair<ApplicationState, string>> states, int generation = 1)
    {
        var skew = TimeSpan.FromTicks((long)(_random.NextDouble() * Options.MaxClockSkew.Ticks));
        var node = new SimulatedNode(endpoint, NewGossiper(endpoint), skew);
        _nodes.Add(endpoint, node);
        _order.Add(node);
        StartNode(node, generation, states);
        return node;
    }

    /// <summary>Every running node learns every other's current state, as in a long-converged cluster.</summary>
    public void PreConverge()
    {
        foreach (SimulatedNode observer in _order.Where(n => n.IsRunning))
        {
            foreach (SimulatedNode other in _order.Where(n => n.IsRunning && n != observer))
            {
                observer.Gossiper.InstallState(other.Endpoint, other.Gossiper.LocalState, LocalNow(observer));
            }
        }
    }

    /// <summary>Crash: the process stops without a word. Peers must notice through the failure detector.</summary>
    public void Kill(string endpoint)
    {
        SimulatedNode node = _nodes[endpoint];
        node.IsRunning = false;
        node.Incarnation++;
    }

    /// <summary>Graceful stop: the node announces shutdown to its live peers, then stops.</summary>
    public void Shutdown(string endpoint)
    {
        SimulatedNode node = _nodes[endpoint];
        Dispatch(node, node.Gossiper.Shutdown());
        Kill(endpoint);
    }

    /// <summary>Restart a stopped node as a new process with a higher generation, keeping its application states.</summary>
    public void Restart(string endpoint, int generation)
    {
        SimulatedNode node = _nodes[endpoint];
        var states = node.Gossiper.LocalState.ApplicationStates
            .Where(p => p.Key != ApplicationState.Status || !NodeStatus.IsDeadState(p.Value.Value))
            .Select(p => KeyValuePair.Create(p.Key, p.Value.Value)).ToList();
        node.Incarnation++;
        node.Gossiper = NewGossiper(endpoint);
        StartNode(node, generation, states);
    }

    /// <summary>Freeze a node (GC pause, VM stall): no rounds run and inbound messages wait until it resumes.</summary>
    public void Pause(string endpoint, TimeSpan duration) => _nodes[endpoint].PausedUntil = Now + duration;

    /// <summary>Split the network: messages between different groups are dropped. Nodes in no group form their own.</summary>
    public void Partition(params IEnumerable<string>[] groups)
    {
        _partitionOf.Clear();
        for (int g = 0; g < groups.Length; g++)
        {
            foreach (string endpoint in groups[g])
            {
                _partitionOf[endpoint] = g + 1;
            }
        }
    }

    public void Heal() => _partitionOf.Clear();

    /// <summary>
    /// Delivers a message to a node after <paramref name="delay"/>, outside the loss model: a packet that lingered in
    /// the network or a duplicate, e.g. an old state arriving after its owner has left. Draws nothing from the seeded
    /// random source, so it does not change the rest of the run.
    /// </summary>
    public void DeliverLate(string to, IGossipMessage message, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(message);
        SimulatedNode node = _nodes[to];
        Schedule(Now + delay, new ScheduledItem(node, node.Incarnation, message));
    }

    public void RunFor(TimeSpan duration) => RunUntilTime(Now + duration);

    /// <summary>Runs until the condition holds (checked every <paramref name="checkEvery"/>) or the time limit; returns whether it held.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit, TimeSpan checkEvery)
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan end = Now + limit;
        while (Now < end)
        {
            if (condition())
            {
                return true;
            }
            RunUntilTime(Now + checkEvery);
        }
        return condition();
    }

    private void RunUntilTime(TimeSpan end)
    {
        while (_queue.TryPeek(out _, out var key) && key.Ticks <= end.Ticks)
        {
            ScheduledItem item = _queue.Dequeue();
            Now = TimeSpan.FromTicks(key.Ticks);
            Execute(item);
        }
        Now = end;
    }

    private void Execute(ScheduledItem item)
    {
        SimulatedNode node = item.Node;
        if (!node.IsRunning || node.Incarnation != item.Incarnation)
        {
            if (item.Message is not null)
            {
                MessagesDropped++;
            }
            return;
        }
        if (node.PausedUntil > Now)
        {
            Schedule(node.PausedUntil, item); // the stalled process handles it when it resumes
            return;
        }
        if (item.Message is null)
        {
            Dispatch(node, node.Gossiper.Tick(LocalNow(node)));
            Schedule(Now + Options.Gossip.GossipInterval, item);
        }
        else
        {
            Dispatch(node, node.Gossiper.Receive(item.Message, LocalNow(node)));
        }
    }

    private void Dispatch(SimulatedNode from, GossipOutput output)
    {
        foreach (GossipEvent e in output.Events)
        {
            EventSink?.Invoke(Now, from.Endpoint, e);
        }
        foreach (OutgoingMessage message in output.Messages)
        {
            MessagesSent++;
            if (MeasureBytes)
            {
                // The real MessagePack encoding, written into one reused buffer instead of a new array per message.
                GossipMessageSerializer.Serialize(_serialized, message.Message);
                BytesSent += _serialized.WrittenCount;
                _serialized.ResetWrittenCount();
            }
            if (!_nodes.TryGetValue(message.To, out SimulatedNode? to) || _random.NextDouble() < Options.LossProbability
                || _partitionOf.GetValueOrDefault(from.Endpoint) != _partitionOf.GetValueOrDefault(message.To))
            {
                MessagesDropped++;
                continue;
            }
            var delay = Options.MinDelay + TimeSpan.FromTicks((long)(_random.NextDouble() * (Options.MaxDelay - Options.MinDelay).Ticks));
            Schedule(Now + delay, new ScheduledItem(to, to.Incarnation, message.Message));
        }
    }

    private void StartNode(SimulatedNode node, int generation, IEnumerable<KeyValuePair<ApplicationState, string>> states)
    {
        node.Gossiper.Start(generation, states);
        node.IsRunning = true;
        var phase = TimeSpan.FromTicks((long)(_random.NextDouble() * Options.Gossip.GossipInterval.Ticks));
        Schedule(Now + phase, new ScheduledItem(node, node.Incarnation, null));
    }

    private Gossiper NewGossiper(string endpoint) => new(endpoint, Options.Gossip, new Random(_random.Next()));

    private TimeSpan LocalNow(SimulatedNode node) => Now + node.ClockOffset;

    private void Schedule(TimeSpan at, ScheduledItem item) => _queue.Enqueue(item, (at.Ticks, _sequence++));

    /// <summary>A round timer (Message null) or a message delivery, for one incarnation of a node.</summary>
    private readonly record struct ScheduledItem(SimulatedNode Node, int Incarnation, IGossipMessage? Message);
}
