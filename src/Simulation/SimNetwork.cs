namespace RingStore.Simulation;

/// <summary>
/// The in-memory network: random delay, loss, and partitions (nodes on different sides never hear each other).
/// A message to a node that is down when it arrives is dropped. A node's messages to itself are never lost.
/// </summary>
public sealed class SimNetwork
{
    private readonly SimScheduler _scheduler;
    private readonly Random _random;
    private readonly SimulationOptions _options;
    private readonly Dictionary<string, SimNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _side = new(StringComparer.Ordinal);

    public SimNetwork(SimScheduler scheduler, Random random, SimulationOptions options, double lossProbability)
    {
        _scheduler = scheduler;
        _random = random;
        _options = options;
        LossProbability = lossProbability;
    }

    public double LossProbability { get; }

    public long Sent { get; private set; }

    public long Dropped { get; private set; }

    public void Register(SimNode node) => _nodes[node.Endpoint] = node;

    public bool IsPartitioned => _side.Count > 0;

    public void Partition(IEnumerable<string> sideA)
    {
        _side.Clear();
        var a = sideA.ToHashSet(StringComparer.Ordinal);
        foreach (var e in _nodes.Keys)
        {
            _side[e] = a.Contains(e) ? 0 : 1;
        }
    }

    public void Heal() => _side.Clear();

    public void Send(string from, string to, long requestId, object payload)
    {
        Sent++;
        TimeSpan delay;
        if (from == to)
        {
            delay = TimeSpan.Zero;
        }
        else
        {
            if ((_side.Count > 0 && _side[from] != _side[to]) || _random.NextDouble() < LossProbability)
            {
                Dropped++;
                return;
            }
            delay = _random.NextDouble() < _options.SlowMessageProbability
                ? TimeSpan.FromMilliseconds(50 + _random.NextDouble() * 100)
                : _options.MinDelay + (_options.MaxDelay - _options.MinDelay) * _random.NextDouble();
        }
        var target = _nodes[to];
        _scheduler.After(delay, () =>
        {
            if (target.IsRunning)
            {
                target.Receive(from, requestId, payload);
            }
            else
            {
                Dropped++;
            }
        });
    }
}
