using RingStore.Core.Reads;
using System.Buffers.Binary;
using System.Text;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Gossip.FailureDetection;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.Ring;
using RingStore.Coordination;

namespace RingStore.Simulation;

/// <summary>
/// The whole simulated cluster: N nodes on a vnode ring (Gossip's RingSnapshot, SimpleStrategy), clients writing
/// increasing values to a few keys (and deleting them) at the run's consistency levels through random
/// coordinators and reading them back, and a fault injector crashing, pausing and restarting nodes, failing disks
/// and partitioning the network. Faults stop at <see cref="SimulationOptions.Duration"/>; the run then lasts until
/// every fault has healed plus the drain tail, so the end state can be checked. Single-threaded and seeded.
/// </summary>
public sealed class SimCluster
{
    public const string Table = "ks.values";

    private readonly Random _random;
    private readonly List<OperationRecord> _history = [];
    private readonly List<(string Node, TimeSpan From, TimeSpan To)> _coordinatorOutages = [];
    private long _nextRequestId;
    private long _nextValue;

    public SimCluster(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _random = new Random(options.Seed);
        Scheduler = new SimScheduler();
        Clock = new SimClock(Scheduler);
        Log = new EventLog(options.RecordTrace);
        Network = new SimNetwork(Scheduler, _random, options, Log);
        Strategy = new SimpleStrategy(options.ReplicationFactor);
        GossipOptions = new GossiperOptions
        {
            Seeds = ["n1", "n2"],
            GossipInterval = options.GossipInterval,
            FailureDetector = FailureDetectorOptions.ForGossipInterval(options.GossipInterval, options.PhiConvictThreshold),
        };
        HintPolicy = new HintPolicy(options.HintWindow);
        Topology = new SimTopology(this);
        Repairs = new SimRepair(this);
        KillProbability = Draw(SimFaults.Crash, options.MaxKillProbability);
        PartitionProbability = Draw(SimFaults.Partition, options.MaxPartitionProbability);
        PauseProbability = Draw(SimFaults.Pause, options.MaxPauseProbability);
        DiskFaultProbability = Draw(SimFaults.Disk, options.MaxDiskFaultProbability);
        // Drawn only when asked for, so runs without topology changes replay as before.
        JoinProbability = Draw(SimFaults.Join, options.MaxJoinProbability);
        LeaveProbability = Draw(SimFaults.Leave, options.MaxLeaveProbability);
        RepairProbability = Draw(SimFaults.Repair, options.MaxRepairProbability);

        var members = new List<RingMember>();
        for (int i = 1; i <= options.NodeCount; i++)
        {
            var info = new NodeInfo($"n{i}");
            members.Add(new RingMember(info, [.. Enumerable.Range(0, options.TokensPerNode).Select(_ => new Token(_random.NextInt64(long.MinValue, long.MaxValue)))]));
            AddNode(info);
        }
        Ring = RingSnapshot.Create(members);
    }

    public SimulationOptions Options { get; }
    public SimScheduler Scheduler { get; }
    /// <summary>Virtual time for the nodes' storage engines.</summary>
    public SimClock Clock { get; }
    /// <summary>Engines that could not open on a working disk (each one a violation: recovery must work).</summary>
    public List<string> EngineFailures { get; } = [];
    public EventLog Log { get; }
    public SimNetwork Network { get; }
    /// <summary>The ring as every node sees it (a join or leave switches it when its streaming is done).</summary>
    public RingSnapshot Ring { get; private set; }
    /// <summary>Ranges a joining node, or the gainers of a leaving node's ranges, also get writes for while streaming.</summary>
    public PendingRanges Pending { get; private set; } = PendingRanges.None;
    public SimTopology Topology { get; }
    public SimRepair Repairs { get; }
    /// <summary>Repairs that finished without converging their replicas (found as they finished).</summary>
    public List<Violation> RepairViolations { get; } = [];
    public SimpleStrategy Strategy { get; }
    public HintPolicy HintPolicy { get; }
    public GossiperOptions GossipOptions { get; }
    public List<SimNode> Nodes { get; } = [];
    public SimulationStats Stats { get; } = new();
    public double KillProbability { get; }
    public double PartitionProbability { get; }
    public double PauseProbability { get; }
    public double DiskFaultProbability { get; }
    public double JoinProbability { get; }
    public double LeaveProbability { get; }
    public double RepairProbability { get; }

    public void SetRing(RingSnapshot ring) => Ring = ring;

    public void SetPending(PendingRanges pending) => Pending = pending;

    /// <summary>A node by endpoint (departed ones included).</summary>
    public SimNode Node(string endpoint) => _byEndpoint[endpoint];

    private readonly Dictionary<string, SimNode> _byEndpoint = new(StringComparer.Ordinal);

    /// <summary>Nodes that are (or are becoming) members: every node but those that left.</summary>
    public IEnumerable<SimNode> Members => Nodes.Where(n => !n.Departed);

    /// <summary>A new node (a join): registered on the network, not started.</summary>
    public SimNode AddNode(NodeInfo info)
    {
        var node = new SimNode(info, this);
        Nodes.Add(node);
        _byEndpoint[info.Endpoint] = node;
        Network.Register(node);
        return node;
    }

    /// <summary>A decommissioned node stops for good; every other node deletes its hints for it (as on gossip's LEFT).</summary>
    public void Depart(SimNode node)
    {
        node.Depart();
        // Writes it was coordinating die with it (their late hints are never stored): exempt, as for a crash.
        _coordinatorOutages.Add((node.Endpoint, Scheduler.Now, TimeSpan.MaxValue));
        foreach (var other in Members) other.Hints.DeleteAllFor(node.Endpoint);
    }

    /// <summary>When the run ends: faults stop at Duration, the longest heals within LongestFault, then the drain tail.</summary>
    public TimeSpan End => Options.Duration + SimulationOptions.LongestFault + Options.DrainTail;

    /// <summary>Wall-clock seconds as the nodes see them (for TTL and tombstone liveness; no TTLs are written here).</summary>
    public int NowSeconds => 1_000_000 + (int)Scheduler.Now.TotalSeconds;

    public long NextRequestId() => ++_nextRequestId;

    /// <summary>Each Gossiper's own random, drawn from the run's seed (in event order, so it replays).</summary>
    public Random NewGossipRandom() => new(_random.Next());

    /// <summary>A random drawn from the run's seed for one use (a crash's torn tails), in event order.</summary>
    public Random NewRandom() => new(_random.Next());

    /// <summary>The simulator's thread: every event, and every continuation of the product's async code, runs on it.</summary>
    public int ThreadId { get; private set; }

    private List<PendingHint> _hintsLeft = [], _hintsLost = [];

    public IReadOnlyList<OperationRecord> Run()
    {
        ThreadId = Environment.CurrentManagedThreadId;
        if (Options.HintsNotSynced)
        {
            foreach (var node in Nodes) node.LieAboutHintSyncs();
        }
        foreach (var node in Nodes)
        {
            node.Start();
        }
        for (int c = 0; c < Options.ClientCount; c++)
        {
            int client = c;
            Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(0, 100)), () => ClientStep(client));
        }
        Scheduler.After(Options.FaultInterval, InjectFaults);
        // The clients have stopped and every fault has healed: no more loss, duplication or slow messages either.
        Scheduler.At(Options.Duration + SimulationOptions.LongestFault, () =>
        {
            Network.Calm = true;
            Log.Add(Scheduler.Now, -1, "faults over: drain tail begins", isFault: true);
        });
        if (Options.FinalRepair && (Options.Faults.HasFlag(SimFaults.Join) || Options.Faults.HasFlag(SimFaults.Leave)))
        {
            // After ring changes the end state is checked after a full repair, once the hints had a second to drain.
            Scheduler.At(Options.Duration + SimulationOptions.LongestFault + TimeSpan.FromSeconds(1), () =>
            {
                Log.Add(Scheduler.Now, -1, "final repair of every range begins", isFault: true);
                Repairs.RepairAll(() => Log.Add(Scheduler.Now, -1, "final repair done", isFault: true));
            });
        }
        Scheduler.RunUntil(End);
        Stats.Events = Log.Count;
        Stats.MessagesLost = Network.Dropped;
        Stats.MessagesDuplicated = Network.Duplicated;
        _hintsLeft = [.. Nodes.SelectMany(n => n.Hints.Pending())];
        _hintsLost = [.. Nodes.SelectMany(n => n.Hints.Lost(_hintsLeft))];
        Stats.HintsLeft = _hintsLeft.Count;
        Stats.HintsDelivered = Nodes.Sum(n => n.Hints.Delivered);
        Stats.HintLogRegionsCut = Nodes.Sum(n => n.Hints.CorruptSkipped);
        Stats.Flushes = Nodes.Sum(n => n.Engine?.Flushes ?? 0);
        Stats.Compactions = Nodes.Sum(n => n.Engine?.Compactions ?? 0);
        return _history;
    }

    /// <summary>Hints not delivered, and replicas missing an acknowledged write, once the drain tail is over.</summary>
    public IReadOnlyList<Violation> CheckEndState(IReadOnlyList<OperationRecord> history)
    {
        var hints = _hintsLeft;
        return [.. ConsistencyChecker.CheckEndState(history, hints, ReplicaTimestamps, CoordinatorSteady, End), .. ConsistencyChecker.HintsLost(_hintsLost, End)];
    }

    private IReadOnlyDictionary<string, long> ReplicaTimestamps(int key)
    {
        byte[] partitionKey = KeyBytes(key);
        var natural = Ring.GetNaturalReplicas(Murmur3Partitioner.GetToken(partitionKey), Strategy);
        return natural.ToDictionary(r => r.Endpoint, r => Node(r.Endpoint).Store.LatestTimestamp(partitionKey), StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether the write's coordinator ran with a working disk from its start until every hint it could owe was
    /// stored (the request timeout, stretched by at most one pause).
    /// </summary>
    private bool CoordinatorSteady(OperationRecord write)
    {
        var until = write.Start + Options.RequestTimeout + SimulationOptions.LongestFault;
        return !_coordinatorOutages.Any(o => o.Node == write.Coordinator && o.From <= until && o.To >= write.Start);
    }

    public static byte[] KeyBytes(int key) => Encoding.UTF8.GetBytes($"key{key}");

    /// <summary>The workload key a mutation is for (its partition key is <c>key{N}</c>).</summary>
    public static int KeyOf(PartitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return KeyOf(update.PartitionKey);
    }

    public static int KeyOf(byte[] partitionKey) =>
        int.Parse(Encoding.UTF8.GetString(partitionKey).AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The timestamp a workload mutation carries (a write's liveness, a delete's tombstone): its value too.</summary>
    public static long TimestampOf(PartitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        long latest = update.PartitionDeletion.MarkedForDeleteAtMicros;
        foreach (var row in update.Rows) latest = Math.Max(latest, Math.Max(row.Liveness.TimestampMicros, row.Deletion.MarkedForDeleteAtMicros));
        return latest;
    }

    /// <summary>A node's host id (what hints are keyed by): node n<i>K</i> is the Guid whose first four bytes are K.</summary>
    public static Guid HostIdOf(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new Guid(int.Parse(endpoint.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), 0, 0, new byte[8]);
    }

    public static string EndpointOf(Guid hostId)
    {
        Span<byte> bytes = stackalloc byte[16];
        hostId.TryWriteBytes(bytes);
        return "n" + System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private double Draw(SimFaults fault, double max) => Options.Faults.HasFlag(fault) ? _random.NextDouble() * max : 0;

    private void ClientStep(int client)
    {
        if (Scheduler.Now >= Options.Duration)
        {
            return;
        }
        // Clients talk to ring members (not to a node still joining, nor to one that left).
        var running = Nodes.Where(n => n.IsRunning && (Pending.IsEmpty || Ring.FindMember(n.Endpoint) is not null)).ToList();
        if (running.Count == 0)
        {
            Scheduler.After(TimeSpan.FromMilliseconds(20), () => ClientStep(client));
            return;
        }
        var coordinator = running[_random.Next(running.Count)];
        // Drawn only when scans are on, so runs without them replay as before.
        if (Options.ScanProbability > 0 && _random.NextDouble() < Options.ScanProbability)
        {
            Scan(client, coordinator);
            return;
        }
        int key = _random.Next(Options.KeyCount);
        var kind = _random.Next(2) == 0
            ? (_random.NextDouble() < Options.DeleteProbability ? OperationKind.Delete : OperationKind.Write)
            : OperationKind.Read;
        var levels = kind == OperationKind.Read ? Options.ReadLevels : Options.WriteLevels;
        var level = levels[_random.Next(levels.Count)];
        var start = Scheduler.Now;
        long written = kind != OperationKind.Read ? ++_nextValue : 0;
        string verb = kind switch { OperationKind.Write => $"write {written}", OperationKind.Delete => $"delete at {written}", _ => "read" };
        Log.Add(start, key, $"client {client}: {verb} key {key} at {level} via {coordinator.Endpoint}");
        bool completed = false;
        void Complete(bool ok, long value)
        {
            if (completed)
            {
                return;
            }
            completed = true;
            _history.Add(new OperationRecord(kind, key, value, start, Scheduler.Now, ok, coordinator.Endpoint, level));
            string outcome = !ok ? "failed" : kind == OperationKind.Read ? $"saw {(value == 0 ? "nothing" : value)}" : "acknowledged";
            Log.Add(Scheduler.Now, key, $"client {client}: {verb} key {key} at {level} via {coordinator.Endpoint}: {outcome}");
            Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(0, 10)), () => ClientStep(client));
        }
        Scheduler.After(Options.ClientTimeout, () => Complete(false, written));

        if (kind != OperationKind.Read)
        {
            var update = kind == OperationKind.Write ? ValueUpdate(key, written) : DeleteUpdate(key, written, NowSeconds);
            SimWriteDriver.Start(this, coordinator, update, level, key, written, ok => Complete(ok, written));
        }
        else
        {
            var query = SliceQuery.WholePartition(Table, KeyBytes(key));
            SimReadDriver.Start(this, coordinator, query, level, key, (ok, rows) => Complete(ok, ok ? ValueOf(rows) : 0));
        }
    }

    /// <summary>Rule-4 violations found while the run went (a scan page answered before its replicas were repaired).</summary>
    public List<Violation> ScanViolations { get; } = [];

    /// <summary>
    /// A token-range scan: the whole ring, or a random range around one key's token (so it covers that key and
    /// perhaps others). Every key whose token lies in an answered page becomes a read record of what the page
    /// returned for it (nothing if absent), timed by that page's request; and the replicas that answered the page
    /// must already hold what it returned (the blocking repair).
    /// </summary>
    private void Scan(int client, SimNode coordinator)
    {
        var level = Options.ScanLevels[_random.Next(Options.ScanLevels.Count)];
        long startExclusive = long.MinValue, endInclusive = long.MaxValue;
        if (_random.NextDouble() >= Options.WholeRingScanProbability)
        {
            long around = Murmur3Partitioner.GetToken(KeyBytes(_random.Next(Options.KeyCount))).Value;
            long before = _random.NextInt64(0, 1L << 61), after = _random.NextInt64(0, 1L << 61);
            startExclusive = (long)Int128.Max(long.MinValue, (Int128)around - before - 1);
            endInclusive = (long)Int128.Min(long.MaxValue, (Int128)around + after);
        }
        var start = Scheduler.Now;
        Stats.Scans++;
        string what = $"client {client}: scan ({startExclusive}, {endInclusive}] at {level} via {coordinator.Endpoint}";
        Log.Add(start, -1, what);
        bool completed = false;
        void Complete(bool ok)
        {
            if (completed) return;
            completed = true;
            if (ok) Stats.ScansCompleted++;
            Log.Add(Scheduler.Now, -1, $"{what}: {(ok ? "done" : "failed")}");
            Scheduler.After(TimeSpan.FromMilliseconds(_random.Next(0, 10)), () => ClientStep(client));
        }
        Scheduler.After(Options.ScanClientTimeout, () => Complete(false));
        SimRangeReadDriver.Start(this, coordinator, startExclusive, endInclusive, level, -1, () => completed,
            page => RecordPage(page, coordinator, level), Complete);
    }

    private void RecordPage(SimRangeReadDriver.Page page, SimNode coordinator, ConsistencyLevel level)
    {
        var returned = page.Partitions.ToDictionary(p => Convert.ToHexString(p.Key), StringComparer.Ordinal);
        for (int key = 0; key < Options.KeyCount; key++)
        {
            byte[] bytes = KeyBytes(key);
            if (!SimRangeReadDriver.Covers(page.After, page.UpTo, Murmur3Partitioner.GetToken(bytes), bytes)) continue;
            var partition = returned.GetValueOrDefault(Convert.ToHexString(bytes));
            long value = partition is null ? 0 : ValueOf(LiveRows.Filter(partition.Rows, NowSeconds).ToList());
            _history.Add(new OperationRecord(OperationKind.Scan, key, value, page.Start, Scheduler.Now, true, coordinator.Endpoint, level));
            Log.Add(Scheduler.Now, key, $"scan via {coordinator.Endpoint} at {level}: key {key} saw {(value == 0 ? "nothing" : value)}");
            if (partition is null) continue;
            // A replica that went down since it answered is not looked at (its engine is closed; what it acknowledged is durable).
            var held = page.Answered.Select(Node).Where(n => n.IsRunning || n.Engine is null)
                .ToDictionary(n => n.Endpoint, n => n.Store.LatestTimestamp(bytes), StringComparer.Ordinal);
            var violation = ConsistencyChecker.ScanNotRepaired(key, SimReplicaStore.NewestTimestamp(partition), held, page.Start, Scheduler.Now, coordinator.Endpoint);
            if (violation is not null) ScanViolations.Add(violation);
        }
    }

    private void InjectFaults()
    {
        InjectTopologyChanges();
        if (_random.NextDouble() < KillProbability)
        {
            var running = Members.Where(n => n.IsRunning).ToList();
            if (running.Count > 0)
            {
                var victim = running[_random.Next(running.Count)];
                var downFor = TimeSpan.FromMilliseconds(_random.Next(100, 1500));
                victim.Kill();
                Stats.Kills++;
                _coordinatorOutages.Add((victim.Endpoint, Scheduler.Now, Scheduler.Now + downFor));
                Log.Add(Scheduler.Now, -1, $"crash {victim.Endpoint} (restarts in {downFor.TotalMilliseconds:0}ms)", isFault: true);
                Scheduler.After(downFor, () =>
                {
                    victim.Start();
                    Log.Add(Scheduler.Now, -1, $"restart {victim.Endpoint}", isFault: true);
                });
            }
        }
        if (!Network.IsPartitioned && _random.NextDouble() < PartitionProbability)
        {
            var members = Members.ToList();
            int size = _random.Next(1, members.Count / 2 + 1);
            var sideA = members.OrderBy(_ => _random.Next()).Take(size).Select(n => n.Endpoint).ToList();
            var sideB = members.Select(n => n.Endpoint).Except(sideA).ToList();
            bool oneWay = _random.Next(2) == 0;
            Network.Block(sideA, sideB);
            if (oneWay)
            {
                Stats.OneWayPartitions++;
            }
            else
            {
                Network.Block(sideB, sideA);
                Stats.Partitions++;
            }
            var healIn = TimeSpan.FromMilliseconds(_random.Next(100, 800));
            Log.Add(Scheduler.Now, -1, $"partition {{{string.Join(',', sideA)}}} {(oneWay ? "-x->" : "<-x->")} {{{string.Join(',', sideB)}}} for {healIn.TotalMilliseconds:0}ms", isFault: true);
            Scheduler.After(healIn, () =>
            {
                Network.Heal();
                Log.Add(Scheduler.Now, -1, "partition healed", isFault: true);
            });
        }
        if (_random.NextDouble() < PauseProbability)
        {
            var running = Members.Where(n => n.IsRunning && n.PausedUntil <= Scheduler.Now).ToList();
            if (running.Count > 0)
            {
                var victim = running[_random.Next(running.Count)];
                var pauseFor = TimeSpan.FromMilliseconds(_random.Next(50, 1000));
                victim.PausedUntil = Scheduler.Now + pauseFor;
                Stats.Pauses++;
                Log.Add(Scheduler.Now, -1, $"pause {victim.Endpoint} for {pauseFor.TotalMilliseconds:0}ms", isFault: true);
            }
        }
        if (_random.NextDouble() < DiskFaultProbability)
        {
            var healthy = Members.Where(n => !n.DiskFailing).ToList();
            if (healthy.Count > 0)
            {
                var victim = healthy[_random.Next(healthy.Count)];
                var failFor = TimeSpan.FromMilliseconds(_random.Next(100, 1000));
                victim.DiskFailing = true;
                Stats.DiskFaults++;
                _coordinatorOutages.Add((victim.Endpoint, Scheduler.Now, Scheduler.Now + failFor));
                Log.Add(Scheduler.Now, -1, $"disk of {victim.Endpoint} fails for {failFor.TotalMilliseconds:0}ms", isFault: true);
                Scheduler.After(failFor, () =>
                {
                    victim.DiskFailing = false;
                    Log.Add(Scheduler.Now, -1, $"disk of {victim.Endpoint} works again", isFault: true);
                    if (victim.StoppedByDisk)
                    {
                        victim.Start(); // the operator restarts the node the stop policy stopped
                        Log.Add(Scheduler.Now, -1, $"restart {victim.Endpoint} after its disk failure", isFault: true);
                    }
                });
            }
        }
        if (Scheduler.Now < Options.Duration)
        {
            Scheduler.After(Options.FaultInterval, InjectFaults);
        }
    }

    /// <summary>A join, a decommission or a repair now and then (one topology change at a time), drawn per seed.</summary>
    private void InjectTopologyChanges()
    {
        if (JoinProbability == 0 && LeaveProbability == 0 && RepairProbability == 0) return;
        double draw = _random.NextDouble();
        if (draw < JoinProbability && Members.Count() < Options.NodeCount + 3) Topology.StartJoin();
        else if (draw < JoinProbability + LeaveProbability) Topology.StartLeave(_random);
        if (_random.NextDouble() < RepairProbability) Repairs.Start(_random);
    }

    /// <summary>The value doubles as the write timestamp, so the newest write always wins the merge.</summary>
    private static PartitionUpdate ValueUpdate(int key, long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        var row = new Row([], LivenessInfo.At(value), DeletionTime.Live, [Cell.Live(0, value, bytes)]);
        return PartitionUpdate.OfRows(Table, KeyBytes(key), row);
    }

    /// <summary>A row deletion at <paramref name="timestamp"/>: shadows every older write, loses to every newer one.</summary>
    private static PartitionUpdate DeleteUpdate(int key, long timestamp, int nowSeconds) =>
        PartitionUpdate.OfRows(Table, KeyBytes(key), new Row([], LivenessInfo.None, new DeletionTime(timestamp, nowSeconds), []));

    private static long ValueOf(IReadOnlyList<Row> rows)
    {
        var cell = rows.Count == 0 ? null : rows[0].CellFor(0);
        return cell?.Value is { Length: 8 } v ? BinaryPrimitives.ReadInt64BigEndian(v) : 0;
    }
}
