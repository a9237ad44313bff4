using Microsoft.Extensions.Logging.Abstractions;

namespace RingStore.Node.Messaging;

/// <summary>
/// A simulated network for deterministic tests: every message (request, one-way, response) becomes a scheduled
/// delivery in one queue that the caller drives (<see cref="DeliverNext"/>, <see cref="DeliverDue"/>,
/// <see cref="DeliverAll"/>). Loss, latency and partitions come from a seeded Random and a drop filter, and
/// timeouts from the TimeProvider, so a seed replays the same run. Not thread-safe by design beyond a lock
/// around the queue: a simulator drives it from one thread.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly Dictionary<PeerAddress, InMemoryMessagingService> _nodes = [];
    private readonly PriorityQueue<Delivery, (long DueTicks, long Sequence)> _queue = new();
    private readonly Random _random;
    private readonly object _gate = new();
    private long _sequence;

    public InMemoryNetwork(MessagingOptions options, TimeProvider timeProvider, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        Options = options;
        Time = timeProvider;
        _random = random;
    }

    public MessagingOptions Options { get; }

    public TimeProvider Time { get; }

    /// <summary>Probability in [0, 1] that any one message is lost.</summary>
    public double DropProbability { get; set; }

    /// <summary>Returns true to drop a message from one node to another (partitions, one-way links, verb filters).</summary>
    public Func<PeerAddress, PeerAddress, Verb, bool>? DropFilter { get; set; }

    /// <summary>Each delivery is scheduled a uniformly random latency in [MinLatency, MaxLatency] after sending.</summary>
    public TimeSpan MinLatency { get; set; }

    public TimeSpan MaxLatency { get; set; }

    public long Delivered { get; private set; }

    public long Dropped { get; private set; }

    public int PendingDeliveries
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Adds a node; its service is the <see cref="IMessagingService"/> its handlers and callers use.</summary>
    public InMemoryMessagingService AddNode(PeerAddress address)
    {
        var node = new InMemoryMessagingService(this, address, NullLogger.Instance);
        lock (_gate)
        {
            _nodes.Add(address, node);
        }

        return node;
    }

    /// <summary>Takes a node off the network (a crash): messages to it are lost, its pending requests time out.</summary>
    public void RemoveNode(PeerAddress address)
    {
        lock (_gate)
        {
            _nodes.Remove(address);
        }
    }

    /// <summary>Takes the earliest scheduled message, whatever the clock says, and delivers it (or drops it if its target left). False when nothing is queued.</summary>
    public bool DeliverNext()
    {
        Delivery delivery;
        lock (_gate)
        {
            if (!_queue.TryDequeue(out delivery!, out _))
            {
                return false;
            }
        }

        Deliver(delivery);
        return true;
    }

    /// <summary>Delivers every message whose scheduled time has come; returns how many.</summary>
    public int DeliverDue()
    {
        var count = 0;
        while (true)
        {
            Delivery delivery;
            lock (_gate)
            {
                if (!_queue.TryPeek(out delivery!, out var due) || due.DueTicks > Time.GetUtcNow().UtcTicks)
                {
                    return count;
                }

                _queue.Dequeue();
            }

            Deliver(delivery);
            count++;
        }
    }

    /// <summary>Delivers until the queue is empty (including messages sent by handlers meanwhile), up to a limit.</summary>
    public int DeliverAll(int maxDeliveries = 1_000_000)
    {
        var count = 0;
        while (count < maxDeliveries && DeliverNext())
        {
            count++;
        }

        return count;
    }

    internal void Send(PeerAddress from, PeerAddress to, Envelope envelope)
    {
        lock (_gate)
        {
            var lost = (DropFilter?.Invoke(from, to, envelope.Verb) ?? false) || (DropProbability > 0 && _random.NextDouble() < DropProbability);
            if (lost)
            {
                Dropped++;
                return;
            }

            var spread = (MaxLatency - MinLatency).Ticks;
            var latency = MinLatency.Ticks + (spread > 0 ? _random.NextInt64(spread + 1) : 0);
            var due = Time.GetUtcNow().UtcTicks + latency;

            // The payload is copied so a sender reusing its buffer cannot change a message in flight.
            var copy = envelope with { Payload = envelope.Payload.ToArray() };
            _queue.Enqueue(new Delivery(from, to, copy), (due, _sequence++));
        }
    }

    private void Deliver(Delivery delivery)
    {
        InMemoryMessagingService? target;
        lock (_gate)
        {
            _nodes.TryGetValue(delivery.To, out target);
            if (target is null)
            {
                Dropped++;
                return;
            }

            Delivered++;
        }

        target.Receive(delivery.From, delivery.Envelope);
    }

    private sealed record Delivery(PeerAddress From, PeerAddress To, Envelope Envelope);
}
