using System.Buffers.Binary;
using System.Text;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Node.Coordination;
using RingStore.Storage.Engine;

namespace RingStore.Simulation;

/// <summary>
/// The whole simulated cluster: N nodes on a vnode ring (Gossip's RingSnapshot, SimpleStrategy RF 3), clients
/// writing increasing values to a few keys at QUORUM and reading them at QUORUM through random coordinators,
/// and a fault injector killing and restarting nodes and partitioning the network. Single-threaded and seeded.
/// </summary>
public sealed class SimCluster
{
    public const string Table = "ks.values";

    private readonly Random _random;
    private readonly List<OperationRecord> _history = [];
    private long _nextRequestId;
    private long _nextValue;

    public SimCluster(SimulationOptions options)
    {
        Options = options;
        _random = new Random(options.Seed);
        Scheduler = new SimScheduler();
        Network = new SimNetwork(Scheduler, _random, options, _random.NextDouble() * options.MaxLossProbability);
        Strategy = new SimpleStrategy(options.ReplicationFactor);
        HintPolicy = new HintPolicy(options.HintWindow);
        KillProbability = _random.NextDouble() * options.MaxKillProbability;
        PartitionProbability = _random.NextDouble() * options.MaxPartitionProbability;

        var members = new List<RingMember>();
        for (int i = 1; i <= options.NodeCount; i++)
        {
            var info = new NodeInfo($"n{i}");
            members.Add(new RingMember(info, [.. Enumerable.Range(0, options.TokensPerNode).Select(_ => new Token(_random.NextInt64(long.MinValue, long.MaxValue)))]));
            var node = new SimNode(info, this);
            Nodes.Add(node);
            Network.Register(node);
        }
        Ring = RingSnapshot.Create(members);
    }

    public SimulationOptions Options { get; }
    public SimScheduler Scheduler { get; }
    public SimNetwork Network { get; }
    public RingSnapshot Ring { get; }
    public SimpleStrategy Strategy { get; }
    public HintPolicy HintPolicy { get; }
    public List<SimNode> Nodes { get; } = [];
    public SimulationStats Stats { get; } = new();
    public double KillProbability { get; }
    public double PartitionProbability { get; }

    /// <summary>Wall-clock seconds as the nodes see them (for TTL and tombstone liveness; no TTLs are written here).</summary>
    public int NowSeconds => 1_000_000 + (int)Scheduler.Now.TotalSeconds;

    public long NextRequestId() => ++_nextRequestId;

    public IReadOnlyList<OperationRecord> Run()
    {
        foreach (var node in Nodes)
        {
            node.Start();
        }
        for (int c = 0; c < Options.ClientCount; c++)
        {
            Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(0, 100)), ClientStep);
        }
        Scheduler.After(Options.FaultInterval, InjectFaults);
        // Let the last operations finish (or time out at the client) after the clients stop issuing.
        Scheduler.RunUntil(Options.Duration + Options.ClientTimeout + Options.ClientTimeout);
        Stats.Events = Scheduler.EventsRun;
        Stats.HintsStored = Nodes.Sum(n => n.Hints.Count);
        return _history;
    }

    public static byte[] KeyBytes(int key) => Encoding.UTF8.GetBytes($"key{key}");

    private void ClientStep()
    {
        if (Scheduler.Now >= Options.Duration)
        {
            return;
        }
        var running = Nodes.Where(n => n.IsRunning).ToList();
        if (running.Count == 0)
        {
            Scheduler.After(TimeSpan.FromMilliseconds(20), ClientStep);
            return;
        }
        var coordinator = running[_random.Next(running.Count)];
        int key = _random.Next(Options.KeyCount);
        bool isWrite = _random.Next(2) == 0;
        var start = Scheduler.Now;
        long written = isWrite ? ++_nextValue : 0;
        bool completed = false;
        void Complete(bool ok, long value)
        {
            if (completed)
            {
                return;
            }
            completed = true;
            _history.Add(new OperationRecord(isWrite, key, value, start, Scheduler.Now, ok, coordinator.Endpoint));
            Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(0, 10)), ClientStep);
        }
        Scheduler.After(Options.ClientTimeout, () => Complete(false, written));

        if (isWrite)
        {
            SimWriteDriver.Start(this, coordinator, ValueUpdate(key, written), ok => Complete(ok, written));
        }
        else
        {
            var query = SliceQuery.WholePartition(Table, KeyBytes(key));
            SimReadDriver.Start(this, coordinator, query, (ok, rows) => Complete(ok, ok ? ValueOf(rows) : 0));
        }
    }

    private void InjectFaults()
    {
        if (_random.NextDouble() < KillProbability)
        {
            var running = Nodes.Where(n => n.IsRunning).ToList();
            if (running.Count > 0)
            {
                var victim = running[_random.Next(running.Count)];
                victim.Kill();
                Stats.Kills++;
                Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(100, 1500)), victim.Start);
            }
        }
        if (!Network.IsPartitioned && _random.NextDouble() < PartitionProbability)
        {
            int size = _random.Next(1, Nodes.Count / 2 + 1);
            Network.Partition(Nodes.OrderBy(_ => _random.Next()).Take(size).Select(n => n.Endpoint).ToList());
            Stats.Partitions++;
            Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(100, 800)), Network.Heal);
        }
        if (Scheduler.Now < Options.Duration)
        {
            Scheduler.After(Options.FaultInterval, InjectFaults);
        }
    }

    /// <summary>The value doubles as the write timestamp, so the newest write always wins the merge.</summary>
    private static PartitionUpdate ValueUpdate(int key, long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        var row = new Row([], LivenessInfo.At(value), DeletionTime.Live, [Cell.Live(0, value, bytes)]);
        return PartitionUpdate.OfRows(Table, KeyBytes(key), row);
    }

    private static long ValueOf(IReadOnlyList<Row> rows)
    {
        var cell = rows.Count == 0 ? null : rows[0].CellFor(0);
        return cell?.Value is { Length: 8 } v ? BinaryPrimitives.ReadInt64BigEndian(v) : 0;
    }
}
