using System.Globalization;
using Microsoft.Extensions.Logging;
using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Gossip.FailureDetection;
using RingStore.Gossip.Protocol;
using RingStore.Gossip.State;
using RingStore.Node.Cluster;
using RingStore.Coordination;
using RingStore.Node.Cql;
using RingStore.Node.Messaging;
using RingStore.Node.Metrics;
using RingStore.Node.Requests;
using RingStore.Node.Schema;
using RingStore.Node.Streaming;
using RingStore.Node.Topology;
using RingStore.Node.Verbs;
using RingStore.Storage.Engine;
using RingStore.Storage.Hints;
using RingStore.Gossip.Ring;

namespace RingStore.Node.Hosting;

/// <summary>
/// One running node: identity, schema, storage engine, internode messaging, gossip, hints and the coordinator,
/// started in dependency order and stopped in reverse. The Generic Host wraps it (<see cref="NodeHostedService"/>);
/// in-process cluster tests start several directly, each with its own ports and data directory.
/// </summary>
public sealed partial class RingStoreNode : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Task? _loadPublisher;
    private readonly CancellationTokenSource _stopping = new();
    private int _stopped;

    private RingStoreNode(NodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("RingStore.Node");
        _time = time;
        Streams = new StreamRegistry(time);
        Metrics = new NodeMetrics(time);
        new NodeGauges(() => Engine, () => Hints, () => Gossip, Streams).Register(Metrics.Meter);
    }

    public NodeOptions Options { get; }
    public NodeIdentity Identity { get; internal set; } = null!;
    public SchemaManager Schema { get; private set; } = null!;
    public SchemaSync SchemaSync { get; private set; } = null!;
    public StorageEngine Engine { get; private set; } = null!;
    public MessagingService Messaging { get; private set; } = null!;
    /// <summary>The certificate and CA for internode mutual TLS (null: plain TCP), reloaded on SIGHUP or file change.</summary>
    public Security.TlsCredentials? InternodeCredentials { get; private set; }
    public GossipService Gossip { get; private set; } = null!;
    public HintStore Hints { get; private set; } = null!;
    public HintDeliveryService HintDelivery { get; private set; } = null!;
    public ReplicaLookup Lookup { get; private set; } = null!;
    public LocalReplica Local { get; private set; } = null!;
    /// <summary>The write size guardrails and the one mutation size limit every write is checked against (src/Node/Guardrails).</summary>
    public Guardrails.WriteGuardrails WriteGuardrails { get; private set; } = Guardrails.WriteGuardrails.None;
    public Guardrails.MutationSizeLimit MutationLimit { get; private set; } = null!;
    public Guardrails.InSelectGuardrail InSelect { get; private set; } = Guardrails.InSelectGuardrail.None;
    public WriteCoordinator Writes { get; private set; } = null!;

    /// <summary>This node's batchlog (system.batches): the logged batches it keeps for their coordinators (src/Node/Batchlog).</summary>
    public RingStore.Node.Batchlog.LocalBatchlog Batchlog { get; private set; } = null!;

    /// <summary>Replays this node's due batchlog entries on a timer.</summary>
    public RingStore.Node.Batchlog.BatchlogReplayer BatchlogReplay { get; private set; } = null!;

    /// <summary>Where every front end's client writes enter the coordinator (stamp, fold, validate, coordinate).</summary>
    public ClientWrites ClientWrites { get; private set; } = null!;
    public ReadCoordinator Reads { get; private set; } = null!;
    public RangeReadCoordinator RangeReads { get; private set; } = null!;
    public TruncateCoordinator Truncation { get; private set; } = null!;
    /// <summary>Runs CQL statements (the Execute and Prepare RPCs); holds this node's prepared-statement cache.</summary>
    public StatementExecutor Cql { get; private set; } = null!;
    /// <summary>Authentication and authorization (null: RingStore:Authenticator is "none"); src/Node/Security/Auth.</summary>
    public Security.Auth.AuthService? Auth { get; private set; }
    public ReplicaLatencyTracker Latency { get; private set; } = null!;
    public DownTracker DownTracker { get; private set; } = null!;
    public NodeMetrics Metrics { get; }
    public StreamRegistry Streams { get; }
    public TopologyOperations Topology { get; private set; } = null!;
    public Repair.RepairService Repairs { get; private set; } = null!;

    /// <summary>DescribeRing and Status answers.</summary>
    public Api.StatusBuilder Status { get; private set; } = null!;

    /// <summary>The bootstrap (or replace) this start runs in the background; completed at once for a node already in the ring.</summary>
    public Task Bootstrap { get; private set; } = Task.CompletedTask;

    /// <summary>Raised when the node cannot go on (bootstrap failed, removed or replaced by the cluster): the host exits with 1.</summary>
    public event Action<string>? Fatal;

    /// <summary>Raised after a decommission finished: the host stops the process.</summary>
    public event Action? Left;

    /// <summary>This node's hottest partitions as a replica, per table.</summary>
    public TopPartitionsTracker TopPartitions { get; } = new();

    public TimeProvider Clock => _time;

    private TableRateSampler? _rates;

    /// <summary>Reads and writes per second of one table over the last sampling interval (replica side).</summary>
    public (double ReadsPerSecond, double WritesPerSecond) TableRates(string table) => _rates?.Rates(table) ?? (0, 0);

    public MembershipSnapshot Membership => Gossip.Current;

    public static async Task<RingStoreNode> StartAsync(NodeOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var node = new RingStoreNode(options, loggerFactory, time ?? TimeProvider.System);
        try
        {
            await node.StartCoreAsync(ct).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Thread-pool threads the node asks for before it has to wait for the pool to grow. FASTER's commit callbacks
    /// (commit log and every hint log) block a pool thread while they wait, and the commit-log release after a flush
    /// waits for a commit: with the default minimum (one thread per core, two here) a few of those at once left
    /// writes queued until the pool added threads (about one per half second) — in-process three-node tests saw
    /// local writes take over 2 s and time out in two of three runs; with this floor, none in nine (cluster benchmark
    /// throughput unchanged within its noise: 12.5k/14.2k vs 12.8k/14.3k QUORUM writes/s).
    /// </summary>
    public const int MinThreadPoolThreads = 32;

    private async Task StartCoreAsync(CancellationToken ct)
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        if (workers < MinThreadPoolThreads) ThreadPool.SetMinThreads(MinThreadPoolThreads, completionPorts);
        Directory.CreateDirectory(Options.DataDirectory);
        bool newIdentity = NodeIdentityStore.Load(Options.DataDirectory) is null;
        Identity = NodeIdentityFactory.LoadOrCreate(Options, _time);
        if (Identity.Decommissioned)
            throw new InvalidOperationException($"This node (host {Identity.HostId}) was decommissioned and left the ring; it must not start on " +
                $"{Path.GetFullPath(Options.DataDirectory)} again. Empty the data directory to join as a new node.");
        _logger.LogInformation("Node {HostId} starting at {Endpoint} (gRPC {Grpc}), data in {Dir}, generation {Generation}",
            Identity.HostId, Options.InternodeEndpoint, Options.GrpcEndpoint, Path.GetFullPath(Options.DataDirectory), Identity.LastGeneration);

        Schema = new SchemaManager(new SchemaStore(Options.DataDirectory), _time);
        var repairHistory = new Repair.RepairHistory(Path.Combine(Options.DataDirectory, "system"));
        Engine = StorageEngine.Open(new StorageEngineOptions
        {
            RepairedBefore = Options.OnlyPurgeRepairedTombstones ? repairHistory.RepairedAt : null,
            DataDirectory = Path.Combine(Options.DataDirectory, "data"),
            CommitLogSync = Options.CommitLogSync,
            CommitLogPeriodicSyncInterval = Options.CommitLogSyncPeriod,
            CommitLogGroupWindow = Options.CommitLogGroupWindow,
            SkipCorruptCommitLogEntries = Options.CommitLogIgnoreReplayErrors,
            AutoSnapshot = Options.AutoSnapshot,
            MemtableFlushThresholdBytes = (long)Options.MemtableBudgetMiB << 20,
            // Replicas of the same data flush (and then compact) it at different sizes, not in the same second.
            FlushStaggerFraction = 0.1,
            FlushStaggerSeed = BitConverter.ToInt64(Identity.HostId.ToByteArray(), 0),
            MaxValueSizeBytes = (long)Options.MaxValueSizeMiB << 20,
            CompactionThroughputMiBPerSecond = Options.CompactionThroughputMiBPerSecond,
            CompactionLargePartitionWarningBytes = (long)Options.CompactionLargePartitionWarningMiB << 20,
            MemtableSpaceBytes = (long)Options.MemtableSpaceMiB << 20,
            CommitLogTotalSpaceBytes = (long)Options.CommitLogTotalSpaceMiB << 20,
            ChunkCacheSizeMiB = Options.ChunkCacheMiB,
        }, Schema.Current.Tables.Append(RingStore.Node.Batchlog.LocalBatchlog.Table), _loggerFactory, _time); // + this node's own batchlog table
        Schema.Changed += ApplySchemaChangeToEngine;
        _diskFailures = new DiskFailureHandler(Options.DiskFailurePolicy, _logger, StopServingAsync, reason => Fatal?.Invoke(reason));
        Engine.DiskFailed += _diskFailures.OnDiskFailure;

        Hints = HintStore.Open(new HintStoreOptions
        {
            Directory = Path.Combine(Options.DataDirectory, "hints"),
            HintWindow = Options.HintWindow,
            ReplayThrottleKiBPerSecond = Options.HintThrottleKiBPerSecond,
            MaxHintsBytesPerHost = (long)Options.MaxHintsSizePerHostMiB << 20,
            // 16 MiB pages, as the commit log's, so any mutation the commit log takes can be hinted (MutationLimit).
            SegmentSizeBytes = 16L << 20,
        }, _time, _loggerFactory);

        if (Options.InternodeTls)
        {
            // Its own reloading copy of the files (Kestrel keeps another for client TLS): both follow SIGHUP and file changes.
            InternodeCredentials = new Security.TlsCredentials(Options.TlsCertificate, Options.TlsKey, Options.TlsCa, "internode", _logger);
            InternodeCredentials.StartWatching();
        }

        Messaging = new MessagingService(new MessagingOptions
        {
            ClusterName = Options.ClusterName,
            Tls = InternodeCredentials is { } credentials ? new InternodeTls(() => credentials.Current) : null,
            HostId = Identity.HostId,
            BroadcastHost = Options.EffectiveBroadcastAddress,
            DefaultRequestTimeout = Options.WriteTimeout,
        }, _time, logger: _loggerFactory.CreateLogger<MessagingService>());

        Gossip = new GossipService(Options.InternodeEndpoint, new GossiperOptions
        {
            ClusterName = Options.ClusterName,
            Seeds = Options.SeedList(),
            GossipInterval = Options.GossipInterval,
            // Initial estimate, recorded-interval cap and local-pause guard follow the interval (FailureDetectorOptions).
            FailureDetector = FailureDetectorOptions.ForGossipInterval(Options.GossipInterval, Options.PhiConvictThreshold),
        }, Messaging, _time, new Random(Identity.HostId.GetHashCode()), _loggerFactory.CreateLogger<GossipService>());

        DownTracker = new DownTracker(_time);
        Lookup = new ReplicaLookup(Schema, () => Gossip.Current);
        Latency = new ReplicaLatencyTracker(TimeSpan.FromSeconds(10));
        var hintRecorder = new HintRecorder(Hints, DownTracker, new HintPolicy(Options.HintWindow), Metrics, _time, _loggerFactory.CreateLogger<HintRecorder>());
        var tombstones = new Guardrails.TombstoneGuardrail(Options.TombstoneWarnThreshold, Options.TombstoneFailureThreshold,
            (table, key) => Guardrails.PartitionKeyText.Describe(Schema, table, key), _time, _loggerFactory.CreateLogger<Guardrails.TombstoneGuardrail>());
        var local = Local = new LocalReplica(Engine, Metrics, TopPartitions, tombstones, _time) { ReplyMaxBytes = Options.ReplicaReplyMaxKiB * 1024L };
        MutationLimit = new Guardrails.MutationSizeLimit(Engine.MaxMutationBytes, Hints.MaxHintBytes, Messaging.Options.MaxFrameBytes,
            RingStore.Node.Messaging.FrameCodec.MaxEnvelopeOverheadBytes);
        WriteGuardrails = new Guardrails.WriteGuardrails((long)Options.ValueSizeWarnKiB << 10, (long)Options.BatchSizeWarnKiB << 10,
            (long)Options.BatchSizeFailKiB << 10, _loggerFactory.CreateLogger<Guardrails.WriteGuardrails>());
        InSelect = new Guardrails.InSelectGuardrail(Options.InSelectWarnThreshold, Options.InSelectFailThreshold, _loggerFactory.CreateLogger<Guardrails.InSelectGuardrail>());
        var guardrail = new DiskUsageGuardrail(Options.DataDiskUsageWarnPercent, Options.DataDiskUsageFailPercent);
        Writes = new WriteCoordinator(Lookup, local, Messaging, hintRecorder, Metrics, Options.WriteTimeout, _time, _loggerFactory.CreateLogger<WriteCoordinator>())
        {
            DiskGuardrail = guardrail,
        };
        Batchlog = new RingStore.Node.Batchlog.LocalBatchlog(Engine, _time);
        BatchlogReplay = new RingStore.Node.Batchlog.BatchlogReplayer(Batchlog, Writes, Lookup, Options.BatchlogReplayInterval,
            Options.BatchlogReplayTimeout > TimeSpan.Zero ? Options.BatchlogReplayTimeout : RingStore.Coordination.Batchlog.BatchlogReplaySchedule.DefaultTimeout(Options.WriteTimeout),
            _time, _loggerFactory.CreateLogger<RingStore.Node.Batchlog.BatchlogReplayer>());
        ClientWrites = new ClientWrites(Writes, MutationLimit, WriteGuardrails, (long)Options.MaxValueSizeMiB << 20, _time)
        {
            Batchlog = new RingStore.Node.Batchlog.BatchlogWriter(Batchlog, Writes, Messaging, () => Gossip.Current, Identity.HostId, MutationLimit.Bytes,
                Options.WriteTimeout, _time, _loggerFactory.CreateLogger<RingStore.Node.Batchlog.BatchlogWriter>()) { Enabled = Options.BatchlogEnabled },
            UnloggedWarning = new RingStore.Node.Batchlog.UnloggedBatchWarning(Options.UnloggedBatchWarnPartitions, _loggerFactory.CreateLogger<RingStore.Node.Batchlog.UnloggedBatchWarning>()),
        };
        _diskMonitor = new DataDiskMonitor(Options.DataDirectory, guardrail, Gossip, _time, _logger);
        Reads = new ReadCoordinator(Lookup, local, Messaging, Latency, Metrics, Options.ReadTimeout, _time, _loggerFactory.CreateLogger<ReadCoordinator>());
        RangeReads = new RangeReadCoordinator(Lookup, () => Gossip.Current, local, Messaging, Metrics, Options.ReadTimeout, _time,
            _loggerFactory.CreateLogger<RangeReadCoordinator>(), Options.ReplicaReplyMaxKiB * 1024L);
        // Truncate flushes nothing but fsyncs a record and waits for in-flight writers: give it more than a write.
        Truncation = new TruncateCoordinator(Engine, Messaging, () => Gossip.Current, Options.WriteTimeout * 5);
        var scatter = new ScatterGatherDriver(_time, Options.Scatter());
        var rangeAggregates = new RangeAggregateVerbHandler(Schema, RangeReads, _time, Engine);
        var aggregator = new RangeAggregator(RangeReads, scatter, Messaging, () => rangeAggregates);
        Cql = new StatementExecutor(Schema, ClientWrites,
            new SelectExecutor(Schema, Reads, RangeReads, InSelect, Options.ResultPageMaxKiB * 1024L, _time, scatter, aggregator)
            {
                IndexLookups = new Indexes.IndexLookupCoordinator(Lookup, () => Gossip.Current, Engine, Messaging, Options.ReadTimeout),
            },
            new SchemaStatementExecutor(Schema, Truncation, AnnounceSchemaAsync));
        if (Options.PasswordAuthentication)
        {
            // system_auth at a fixed timestamp (every node merges the same entries); the engine creates its tables on the change.
            Security.Auth.AuthSchema.Ensure(Schema);
            Auth = new Security.Auth.AuthService(Schema, (s, r, c) => Cql.ExecuteAsync(s, r, c), () => Math.Max(1, Gossip.Current.Members.Count(m => m.Status == NodeStatus.Normal)),
                Options.PermissionsValidity, Metrics.Meter, _time, _loggerFactory);
            Cql.Auth = Auth;
        }
        HintDelivery = new HintDeliveryService(Hints, Messaging, () => Gossip.Current, Options.WriteTimeout * 5, _time, _loggerFactory.CreateLogger<HintDeliveryService>());
        SchemaSync = new SchemaSync(Schema, Messaging, _loggerFactory.CreateLogger<SchemaSync>());

        var mutations = new MutationVerbHandler(local);
        Messaging.RegisterHandler(Verb.Mutation, mutations);
        Messaging.RegisterHandler(Verb.ReadRepair, mutations);
        Messaging.RegisterHandler(Verb.Hint, mutations);
        var reads = new ReadVerbHandler(local);
        Messaging.RegisterHandler(Verb.Read, reads);
        Messaging.RegisterHandler(Verb.DigestRead, reads);
        Messaging.RegisterHandler(Verb.Echo, new EchoVerbHandler());
        Messaging.RegisterHandler(Verb.BatchStore, new BatchStoreVerbHandler(Batchlog));
        Messaging.RegisterHandler(Verb.BatchRemove, new BatchRemoveVerbHandler(Batchlog));
        Messaging.RegisterHandler(Verb.RangeRead, new RangeReadVerbHandler(Engine, Metrics, tombstones, Options.ReplicaReplyMaxKiB * 1024L));
        Messaging.RegisterHandler(Verb.RangeAggregate, rangeAggregates);
        Messaging.RegisterHandler(Verb.IndexLookup, new Indexes.IndexLookupVerbHandler(Engine));
        Messaging.RegisterHandler(Verb.Truncate, new TruncateVerbHandler(Engine));
        var streamer = new RangeStreamer(Engine, Messaging, new StreamThrottle(Options.StreamThroughputMiBPerSecond, _time), Streams,
            TimeSpan.FromSeconds(60), _loggerFactory.CreateLogger<RangeStreamer>());
        Topology = new TopologyOperations(new TopologyOperations.Dependencies(Options, () => Identity, identity => Identity = identity,
            Gossip, Messaging, Schema, Lookup, Engine, HintDelivery, Hints), streamer, _time, _loggerFactory.CreateLogger<TopologyOperations>());
        Topology.Decommissioned += () => Left?.Invoke();
        Messaging.RegisterHandler(Verb.StreamPage, new StreamPageVerbHandler(Engine, Streams));
        Messaging.RegisterHandler(Verb.StreamPull, new StreamPullVerbHandler(streamer));
        Messaging.RegisterHandler(Verb.StreamManifest, new StreamManifestVerbHandler(Engine));
        Messaging.RegisterHandler(Verb.StreamFileChunk, new StreamFileChunkVerbHandler(Engine, Streams));
        Messaging.RegisterHandler(Verb.TopologyProbe, new TopologyProbeVerbHandler(() => Gossip.Current));
        var repairReplica = new Repair.LocalRepairReplica(local, Options.InternodeEndpoint, repairHistory);
        foreach (var verb in new[] { Verb.RepairValidate, Verb.RepairDigests, Verb.RepairFetch, Verb.RepairRecorded })
            Messaging.RegisterHandler(verb, Repair.RepairVerbHandlers.For(verb, repairReplica, _time));
        Status = new Api.StatusBuilder(new Api.StatusBuilder.Sources(Options.ClusterName, Options.InternodeEndpoint, () => Gossip.Current,
            Lookup, Hints, Engine, Metrics, TopPartitions, TableRates, Schema));
        Repairs = new Repair.RepairService(
            new Repair.RepairService.Dependencies(Options.InternodeEndpoint, Schema, () => Gossip.Current, Local, Messaging, Lookup, Engine, Options.ReadTimeout),
            new StreamThrottle(Options.StreamThroughputMiBPerSecond, _time),
            repairHistory, _time, _loggerFactory.CreateLogger<Repair.RepairService>());

        await Messaging.StartAsync(new PeerAddress(Options.ListenAddress, Options.InternodePort), ct).ConfigureAwait(false);

        Gossip.Changed += OnGossipEvent;
        Schema.Changed += change => Gossip.SetState(ApplicationState.Schema, change.After.Version.ToString());
        var states = new Dictionary<ApplicationState, string>
        {
            [ApplicationState.HostId] = Identity.HostId.ToString(),
            [ApplicationState.Datacenter] = Options.Datacenter,
            [ApplicationState.Rack] = Options.Rack,
            [ApplicationState.RpcAddress] = Options.GrpcEndpoint,
            [ApplicationState.Schema] = Schema.Current.Version.ToString(),
            [ApplicationState.Load] = "0",
            [ApplicationState.ReleaseVersion] = typeof(RingStoreNode).Assembly.GetName().Version?.ToString() ?? "0",
        };
        if (Options.NativePort != 0) states[ApplicationState.NativeAddress] = Options.NativeEndpoint;
        if (!Identity.BootstrapPending)
        {
            states[ApplicationState.Tokens] = RingStore.Gossip.Ring.TokensValue.Format(Identity.Tokens.Select(t => new Core.Partitioning.Token(t)));
            states[ApplicationState.Status] = NodeStatus.Normal;
            if (Identity.ReplacedHostId != Guid.Empty) states[ApplicationState.Replacing] = Identity.ReplacedHostId.ToString("D");
        }
        if ((newIdentity || (Identity.BootstrapPending && !Identity.HasTokens)) && string.IsNullOrEmpty(Options.Replace))
        {
            try
            {
                await Topology.RefuseIfAddressTakenAsync(ct).ConfigureAwait(false);
            }
            catch (TopologyRefusedException e)
            {
                // The identity made a moment ago must not outlive the refusal: started again, the node would take
                // it for its own and (a seed) join with new tokens.
                if (newIdentity) File.Delete(NodeIdentityStore.PathFor(Options.DataDirectory));
                _logger.LogCritical("Refusing to start: {Reason}", e.Message);
                throw;
            }
        }
        // A joining node gossips without STATUS and TOKENS until it has learned the ring and chosen its tokens.
        Gossip.Start(Identity.LastGeneration, states);
        if (Identity.BootstrapPending) Bootstrap = RunBootstrapAsync();
        HintDelivery.Start();
        Auth?.StartSetup(Options.AuthInitialSuperuser, Options.AuthInitialSuperuserPassword, _stopping.Token);
        _rates = new TableRateSampler(_time);
        _loadPublisher = Task.Run(PublishLoadAsync);
        _diskMonitorLoop = Task.Run(() => _diskMonitor.RunAsync(_stopping.Token));
        _batchlogLoop = Task.Run(() => BatchlogReplay.RunAsync(_stopping.Token));
        _logger.LogInformation("Node {Endpoint} is up", Options.InternodeEndpoint);
    }

    private async Task RunBootstrapAsync()
    {
        try
        {
            await Topology.BootstrapAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // reported through Fatal: the host exits with an error instead of serving a half-joined node
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogCritical("Bootstrap of {Endpoint} failed: {Reason}", Options.InternodeEndpoint, e.Message);
            Fatal?.Invoke($"bootstrap failed: {e.Message}");
            throw;
        }
    }

    /// <summary>A node the cluster removed or replaced must not serve: it would bring back stale data.</summary>
    private void RefuseIfRemoved(MembershipSnapshot snapshot)
    {
        if (_removedReported != 0) return;
        foreach (var member in snapshot.Members)
        {
            bool removed = Removals.Parse(member.State.Get(ApplicationState.Removal)).Any(r => r.Finished && r.HostId == Identity.HostId);
            bool replaced = member.Endpoint != Options.InternodeEndpoint && member.Status is NodeStatus.Normal or NodeStatus.Shutdown
                && member.State.Get(ApplicationState.Replacing) == Identity.HostId.ToString("D");
            if ((removed || replaced) && Interlocked.Exchange(ref _removedReported, 1) == 0)
            {
                string why = removed ? $"was removed from the cluster by removenode (announced by {member.Endpoint})" : $"was replaced by {member.Endpoint}";
                _logger.LogCritical("This node (host {HostId}) {Why}; refusing to serve. Empty its data directory to join as a new node.", Identity.HostId, why);
                Fatal?.Invoke($"host {Identity.HostId} {why}; empty the data directory to join as a new node");
                return;
            }
        }
    }

    private int _removedReported;
    private DiskFailureHandler? _diskFailures;
    private DataDiskMonitor? _diskMonitor;
    private Task? _diskMonitorLoop;
    private Task? _batchlogLoop;

    /// <summary>True once the disk failure policy "stop" took the node out of service.</summary>
    public bool StoppedServing => _diskFailures?.Stopped == true;

    /// <summary>Raised when the node stops serving (disk failure policy "stop"): the host closes the client listener.</summary>
    public event Func<Task>? ServingStopped;

    /// <summary>
    /// Disk failure policy "stop": announce shutdown by gossip so peers mark this node down within a round and hint
    /// its writes, close internode messaging (listener and connections) and the client listener; the process stays.
    /// </summary>
    private async Task StopServingAsync(string reason)
    {
        await Gossip.StopAsync().ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromMilliseconds(100), _time).ConfigureAwait(false); // the announcement on the wire
        await Messaging.DisposeAsync().ConfigureAwait(false);
        // No more flush or compaction retries on the failed disk (each would create and delete files there).
        await Engine.HaltBackgroundWorkAsync().ConfigureAwait(false);
        if (ServingStopped is { } stop) await stop().ConfigureAwait(false);
        _logger.LogCritical("Node {Endpoint} is out of service ({Reason})", Options.InternodeEndpoint, reason);
    }

    /// <summary>After a local schema change: push it to live peers so they can serve the new table at once.</summary>
    public Task<int> AnnounceSchemaAsync(CancellationToken ct)
    {
        var snapshot = Gossip.Current;
        var peers = snapshot.Members.Where(m => m.IsAlive && m.Endpoint != snapshot.LocalEndpoint)
            .Select(m => PeerAddress.Parse(m.Endpoint)).ToList();
        return SchemaSync.PushAsync(peers, Options.WriteTimeout, ct);
    }

    private void ApplySchemaChangeToEngine(SchemaChange change)
    {
        foreach (var dropped in change.Diff.TablesDropped)
        {
            if (Engine.Tables.Any(t => t.FullName == dropped.FullName)) Engine.DropTable(dropped.FullName);
        }
        foreach (var added in change.Diff.TablesAdded)
        {
            if (!Engine.Tables.Any(t => t.FullName == added.FullName)) Engine.CreateTable(added);
        }
        // CREATE/DROP INDEX: same table, other indexes; the engine creates or drops the index tables (and builds new ones).
        foreach (var table in change.After.Tables)
        {
            if (change.Before.TryGetTable(table.Keyspace, table.Name, out var old) && old.Id == table.Id
                && !old.Options.Indexes.SequenceEqual(table.Options.Indexes))
                Engine.CreateTable(table);
        }
    }

    private void OnGossipEvent(GossipEvent e, MembershipSnapshot snapshot)
    {
        if (e.Kind is GossipEventKind.Joined or GossipEventKind.Restarted or GossipEventKind.StateChanged) RefuseIfRemoved(snapshot);
        switch (e.Kind)
        {
            case GossipEventKind.Down:
                DownTracker.MarkDown(e.Endpoint);
                break;
            case GossipEventKind.Up:
            case GossipEventKind.Joined:
            case GossipEventKind.Restarted:
                DownTracker.MarkUp(e.Endpoint);
                HintDelivery.Wake();
                break;
            case GossipEventKind.Left:
            case GossipEventKind.Removed:
                // A node that left the cluster will never take its hints; its ranges now belong to others.
                if (Gossip.Current.Find(e.Endpoint)?.HostId is { } gone && gone != Guid.Empty)
                    _ = Hints.DeleteAllAsync(gone);
                break;
            default:
                break;
        }
        if (snapshot.Find(e.Endpoint) is { } member) PullSchemaIfDifferent(member, snapshot.LocalEndpoint);
    }

    /// <summary>A live peer with another schema version is ahead or behind: pull and merge (both sides converge).</summary>
    private void PullSchemaIfDifferent(MemberInfo member, string localEndpoint)
    {
        if (member.IsAlive && member.Endpoint != localEndpoint &&
            member.SchemaVersion is { } version && version != Schema.Current.Version.ToString())
        {
            _ = SchemaSync.OnPeerSchemaVersionAsync(PeerAddress.Parse(member.Endpoint), version, _stopping.Token);
        }
    }

    private async Task PublishLoadAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var stats = Engine.GetStats();
                foreach (var t in stats.Tables) _rates!.Observe(t.Table, t.Reads, t.Writes);
                long load = stats.Tables.Sum(t => t.DiskBytes + t.MemtableBytes);
                Gossip.SetState(ApplicationState.Load, load.ToString(CultureInfo.InvariantCulture));
                // Also the schema safety net: re-check every live peer's version (a missed event heals here).
                var current = Gossip.Current;
                ForgetDepartedMembers(current);
                foreach (var member in current.Members) PullSchemaIfDifferent(member, current.LocalEndpoint);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Endpoints the ring resolves as removed, replaced or moved (a host now at another address) are dead state that
    /// gossip would carry forever: they are forgotten after the quarantine delay (LEFT nodes after the longer
    /// LeftStateRetention, since their own LEFT state is what corrects stale copies).
    /// </summary>
    private void ForgetDepartedMembers(MembershipSnapshot snapshot)
    {
        var ring = snapshot.Resolved;
        foreach (var member in ring.Members)
        {
            if (member.Role == RingStore.Gossip.Ring.MemberRole.Out && member.DisplayStatus is NodeStatus.Removed or "MOVED"
                && !snapshot.IsAlive(member.Endpoint))
                Gossip.ScheduleForget(member.Endpoint);
        }
    }

    /// <summary>Clean stop: announce shutdown by gossip, stop hint delivery and messaging, flush and close the engine.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _logger.LogInformation("Node {Endpoint} stopping", Options.InternodeEndpoint);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Gossip is not null)
        {
            await Gossip.StopAsync().ConfigureAwait(false);
            // Give the shutdown announcement a moment on the wire before the connections close.
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time).ConfigureAwait(false);
        }
        if (_loadPublisher is not null) await _loadPublisher.ConfigureAwait(false);
        if (_diskMonitorLoop is not null)
        {
            try { await _diskMonitorLoop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        if (_batchlogLoop is not null) await _batchlogLoop.ConfigureAwait(false); // returns on _stopping
        if (HintDelivery is not null) await HintDelivery.DisposeAsync().ConfigureAwait(false);
        if (Messaging is not null) await Messaging.DisposeAsync().ConfigureAwait(false);
        InternodeCredentials?.Dispose();
        if (Engine is not null)
        {
            try { await Engine.FlushAsync().ConfigureAwait(false); }
#pragma warning disable CA1031 // the commit log still has everything; a failed flush must not skip closing
            catch (Exception e) { _logger.LogError(e, "Flush at shutdown failed; the commit log will be replayed"); }
#pragma warning restore CA1031
            await Engine.DisposeAsync().ConfigureAwait(false);
        }
        if (Hints is not null) await Hints.DisposeAsync().ConfigureAwait(false);
        _logger.LogInformation("Node {Endpoint} stopped", Options.InternodeEndpoint);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Metrics.Dispose();
        _stopping.Dispose();
    }
}
