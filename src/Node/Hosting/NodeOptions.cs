using RingStore.Storage.CommitLog;

namespace RingStore.Node.Hosting;

/// <summary>
/// Everything an operator sets for one node, bound from the "RingStore" section of appsettings.json,
/// RINGSTORE__* environment variables and command-line switches (see <see cref="NodeCommandLine"/>).
/// Durations are TimeSpans; sizes carry their unit last.
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "RingStore";

    /// <summary>Nodes refuse internode frames from another cluster name, so two clusters never mix data.</summary>
    public string ClusterName { get; set; } = "ringstore";

    /// <summary>
    /// The address the internode port binds to: an IP or a host name (resolved once at start, see
    /// <see cref="NodeAddresses"/>), or 0.0.0.0 / :: for every interface (then <see cref="BroadcastAddress"/> is needed).
    /// Also the default of the other three addresses, so a node configured with this alone behaves as before.
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The internode address peers and gossip know this node by (Cassandra's broadcast_address): its identity in the
    /// ring, what seeds lists and <c>--replace</c> name. "" = <see cref="ListenAddress"/>. Set it when the node binds to
    /// every interface or sits behind NAT.
    /// </summary>
    public string BroadcastAddress { get; set; } = "";

    /// <summary>The address the client ports (gRPC, CQL native, metrics) bind to (rpc_address); "" = <see cref="ListenAddress"/>; 0.0.0.0 / :: = every interface.</summary>
    public string RpcAddress { get; set; } = "";

    /// <summary>
    /// The client address drivers and the SDK are told to connect to (broadcast_rpc_address: gossip, system.local,
    /// system.peers, DescribeRing). "" = <see cref="RpcAddress"/>, or <see cref="BroadcastAddress"/> when that binds to every interface.
    /// </summary>
    public string BroadcastRpcAddress { get; set; } = "";

    public int InternodePort { get; set; } = 7000;

    /// <summary>
    /// The gRPC API (SDK, `ringstore`). 9160: Cassandra's old Thrift client port, unused since Cassandra 4, so the
    /// native protocol keeps 9042 (the port every Cassandra driver assumes) and the second client API takes the port
    /// Cassandra operators already know as "the other client port".
    /// </summary>
    public int GrpcPort { get; set; } = 9160;

    /// <summary>The CQL native protocol (v4) for Cassandra drivers; 0 = off.</summary>
    public int NativePort { get; set; } = 9042;

    /// <summary>
    /// Prometheus scrape endpoint: <c>GET http://rpc-address:port/metrics</c> (HTTP/1.1, text format) on the gRPC
    /// Kestrel server, its own port; 0 = off (the default, like Cassandra's metrics reporters: nothing listens unasked).
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>
    /// Comma-separated internode addresses of the seeds, which new nodes contact first: <c>host</c> or <c>host:port</c>
    /// (IP or host name, resolved at start; the port defaults to this node's <see cref="InternodePort"/>).
    /// </summary>
    public string Seeds { get; set; } = "";

    public string DataDirectory { get; set; } = "data";

    public int NumTokens { get; set; } = 256;

    public string Datacenter { get; set; } = "dc1";

    public string Rack { get; set; } = "rack1";

    /// <summary>
    /// Group by default: a write is acknowledged only after its commit-log entry is fsynced (concurrent writers
    /// share one fsync). Periodic acknowledges first and syncs every <see cref="CommitLogSyncPeriod"/>; because
    /// FasterLog buffers entries in process memory until then, a killed process (not only a crashed OS, as in
    /// Cassandra) loses up to one period of acknowledged writes on that replica.
    /// </summary>
    public CommitLogSyncMode CommitLogSync { get; set; } = CommitLogSyncMode.Group;

    public TimeSpan CommitLogSyncPeriod { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan CommitLogGroupWindow { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Start even though the commit log has corrupt entries in the middle of a segment (Cassandra's
    /// commitlog.ignorereplayerrors), switch <c>--commitlog-ignore-replay-errors true</c>. Off by default: the node then
    /// refuses to start and names the segment and offset. On, the corrupt entries are skipped and their mutations are
    /// lost on this replica (repair, hints and read repair bring them back from the other replicas; at RF 1 they are
    /// gone). A torn tail (the last entries of a crash) is cut off either way.
    /// </summary>
    public bool CommitLogIgnoreReplayErrors { get; set; }

    /// <summary>
    /// Cassandra's auto_snapshot: TRUNCATE and DROP TABLE snapshot the table first (<c>truncated-&lt;ms&gt;-&lt;table&gt;</c>,
    /// <c>dropped-&lt;ms&gt;-&lt;table&gt;</c>; kept until <c>ringstore clearsnapshot</c>). On by default; <c>--auto-snapshot false</c>.
    /// </summary>
    public bool AutoSnapshot { get; set; } = true;

    /// <summary>
    /// Cassandra's only_purge_repaired_tombstones (<c>--only-purge-repaired-tombstones true</c>; off by default):
    /// compaction purges a tombstone past gc_grace only once this node's repair history shows the range holding it
    /// repaired after the tombstone was written (a repair this node coordinated or took part in: the coordinator tells
    /// every replica once the range is in line everywhere), so a tombstone that reached only some replicas is never
    /// forgotten before repair copied it everywhere.
    /// </summary>
    public bool OnlyPurgeRepairedTombstones { get; set; }

    public int MemtableBudgetMiB { get; set; } = 64;

    /// <summary>
    /// Compaction's write rate in MiB/s while it has no backlog (Cassandra's compaction_throughput, whose default is 64);
    /// 0 = unlimited. The rate grows with the compaction backlog (as ScyllaDB's compaction controller), up to 16 times
    /// this at a backlog of 16 memtable flushes, so compaction keeps up with sustained writes instead of falling behind
    /// a fixed cap. 16 by default: uncapped compactions on this kind of small machine (two cores, one disk) took enough
    /// from the write path that a cluster at half its peak write rate fell behind for seconds (p99 ~840 ms against
    /// ~60–80 ms capped; see bench/README.md). Raise it where disks and cores are plentiful.
    /// </summary>
    public double CompactionThroughputMiBPerSecond { get; set; } = 16;

    /// <summary>How long a down replica keeps collecting hints (Cassandra's max_hint_window).</summary>
    public TimeSpan HintWindow { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Cap on the hints kept for one target host in MiB (max_hints_size_per_host); the oldest go past it. 0 = unlimited (Cassandra's default).</summary>
    public int MaxHintsSizePerHostMiB { get; set; }

    /// <summary>
    /// All memtables of all tables together, in MiB (Cassandra's memtable_heap_space, <c>--memtable-space-mib</c>): past
    /// half of it the largest memtables are flushed, at all of it writes wait for flushes. 256 by default.
    /// </summary>
    public int MemtableSpaceMiB { get; set; } = 256;

    /// <summary>
    /// Decompressed SSTable chunks cached, in MiB, for all tables together (Cassandra's file_cache_size,
    /// <c>--chunk-cache-mib</c>): a read of a cached chunk neither checksums nor decompresses it again. 0 = no cache.
    /// 256 by default.
    /// </summary>
    public int ChunkCacheMiB { get; set; } = 256;

    /// <summary>
    /// Commit log kept at most, in MiB (commitlog_total_space, <c>--commitlog-total-space-mib</c>): past it the tables
    /// pinning its oldest part are flushed so it can be released. 1024 by default.
    /// </summary>
    public int CommitLogTotalSpaceMiB { get; set; } = 1024;

    /// <summary>Replay rate per target; 0 = unlimited.</summary>
    public int HintThrottleKiBPerSecond { get; set; } = 1024;

    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>200 ms with phi 4: a dead node is convicted within 5 s (was 1 s and phi 8: ~20 s; bench/README-gossip.md).</summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public double PhiConvictThreshold { get; set; } = RingStore.Gossip.FailureDetection.FailureDetectorOptions.DefaultPhi;

    /// <summary>Cap on a single value, like the engine's (bad input gets InvalidRequest, nothing written).</summary>
    public int MaxValueSizeMiB { get; set; } = 16;

    /// <summary>
    /// A node that is not a seed and starts with an empty data directory joins an existing cluster by streaming
    /// the ranges it takes over before it serves reads (Cassandra's auto_bootstrap). Off: it owns its tokens at once.
    /// </summary>
    public bool AutoBootstrap { get; set; } = true;

    /// <summary>Host id or internode address of a dead node whose tokens this new node takes over (replace_address_first_boot).</summary>
    public string Replace { get; set; } = "";

    /// <summary>
    /// Bootstrap streams each range from the node that loses it, so a write acknowledged before the join is never
    /// left behind. When that node is down the join fails, unless this is set: then any live replica is used,
    /// and a write that only the dead node acknowledged at a low consistency level can be missing on the new node.
    /// </summary>
    public bool AllowInconsistentBootstrap { get; set; }

    /// <summary>Cap on inbound streaming in MiB/s for this node (Cassandra's stream_throughput); 0 = unlimited.</summary>
    public double StreamThroughputMiBPerSecond { get; set; } = 64;

    /// <summary>How long a joining node waits to hear the ring from its seeds before it gives up.</summary>
    public TimeSpan RingDiscoveryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>What the node does when its disk fails it (I/O error, full disk, read-only file system): see <see cref="Hosting.DiskFailurePolicy"/>.</summary>
    public DiskFailurePolicy DiskFailurePolicy { get; set; } = DiskFailurePolicy.Stop;

    /// <summary>Warn when the data disk is this full, in percent (Cassandra's data_disk_usage_percentage_warn_threshold); 0 = off.</summary>
    public int DataDiskUsageWarnPercent { get; set; }

    /// <summary>Refuse writes to a replica whose data disk is this full, in percent, before it runs out of space; 0 = off (as Cassandra's default).</summary>
    public int DataDiskUsageFailPercent { get; set; }

    /// <summary>Compaction warns of each partition it writes larger than this (Cassandra's compaction_large_partition_warning_threshold); 0 = off.</summary>
    public int CompactionLargePartitionWarningMiB { get; set; } = 100;
    /// <summary>Tombstones one partition read may scan on a replica before it warns (Cassandra's tombstone_warn_threshold); 0 = off.</summary>
    public int TombstoneWarnThreshold { get; set; } = Guardrails.TombstoneGuardrail.DefaultWarnThreshold;

    /// <summary>... before the replica stops the read and fails it naming the partition (tombstone_failure_threshold); 0 = off.</summary>
    public int TombstoneFailureThreshold { get; set; } = Guardrails.TombstoneGuardrail.DefaultFailThreshold;

    /// <summary>A value over this many KiB warns the client (Cassandra 4.1 column_value_size_warn_threshold; off there by default); 0 = off.</summary>
    public int ValueSizeWarnKiB { get; set; } = Guardrails.WriteGuardrails.DefaultValueWarnKiB;

    /// <summary>A batch over more than one partition warns over this many KiB of data (batch_size_warn_threshold); 0 = off.</summary>
    public int BatchSizeWarnKiB { get; set; } = Guardrails.WriteGuardrails.DefaultBatchWarnKiB;

    /// <summary>... and is refused over this many KiB (batch_size_fail_threshold); 0 = off.</summary>
    public int BatchSizeFailKiB { get; set; } = Guardrails.WriteGuardrails.DefaultBatchFailKiB;

    /// <summary>
    /// LOGGED batches over several partitions go through the batchlog (src/Node/Batchlog): atomic eventually. False:
    /// they are written as UNLOGGED ones (per partition), which a coordinator crash can leave half applied.
    /// </summary>
    public bool BatchlogEnabled { get; set; } = true;

    /// <summary>How often this node looks for due batchlog entries to replay (Cassandra: 10 s).</summary>
    public TimeSpan BatchlogReplayInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Entries older than this are replayed; zero = twice WriteTimeout (Cassandra's rule).</summary>
    public TimeSpan BatchlogReplayTimeout { get; set; }

    /// <summary>An UNLOGGED batch over more than this many partitions logs a warning (unlogged_batch_across_partitions_warn_threshold); 0 = off.</summary>
    public int UnloggedBatchWarnPartitions { get; set; } = Batchlog.UnloggedBatchWarning.DefaultPartitions;

    /// <summary>A SELECT whose IN lists select more than this many partition x clustering combinations warns; 0 = off.</summary>
    public int InSelectWarnThreshold { get; set; } = Guardrails.InSelectGuardrail.DefaultWarnThreshold;

    /// <summary>... and is refused over this many (in_select_cartesian_product_fail_threshold); 0 = off.</summary>
    public int InSelectFailThreshold { get; set; } = Guardrails.InSelectGuardrail.DefaultFailThreshold;
    /// <summary>
    /// Byte budget of one replica read reply in KiB (single-partition and range reads; Cassandra's native protocol
    /// bounds pages by bytes too): a replica cuts its reply there and the coordinator pages on. At most 16 MiB, well
    /// under the 32 MiB internode frame limit.
    /// </summary>
    public int ReplicaReplyMaxKiB { get; set; } = 4096;

    /// <summary>
    /// Byte limit of one SELECT result page in KiB, beside its row count (the page size): a page of large values ends
    /// early with a paging state, which the SDK and shell follow. At least one row is always returned.
    /// </summary>
    public int ResultPageMaxKiB { get; set; } = 4096;

    /// <summary>
    /// Range scans and aggregates fan out to the token ranges in parallel (scatter-gather, aggregates pushed to the
    /// replicas). False: the sequential path of before (one vnode piece after another, aggregates on the coordinator).
    /// </summary>
    public bool ScatterGather { get; set; } = true;

    /// <summary>The most token ranges one scan or aggregate reads at once (0: 4 per processor).</summary>
    public int RangeConcurrency { get; set; }

    /// <summary>
    /// Each token range's budget in a scatter-gather scan (0: the read timeout); past it the range is missing from a
    /// partial-results answer, or the scan fails. A slow range is hedged on another replica at the p99 of recent range
    /// latencies (at least 20 ms, at most half the budget), or at <see cref="RangeHedgeDelay"/> when that is set.
    /// </summary>
    public TimeSpan RangeBudget { get; set; }

    /// <summary>A fixed hedging delay for slow ranges (0: adaptive, see <see cref="RangeBudget"/>).</summary>
    public TimeSpan RangeHedgeDelay { get; set; }

    /// <summary>
    /// With partial results allowed, the whole scan's budget (0: the range budget): what has not been read by then is
    /// reported missing, so the answer comes back in time with the coverage it had.
    /// </summary>
    public TimeSpan PartialResultsBudget { get; set; }

    /// <summary>The node's scatter-gather settings from these options.</summary>
    public Requests.ScatterSettings Scatter()
    {
        var defaults = Requests.ScatterSettings.Default(RangeBudget > TimeSpan.Zero ? RangeBudget : ReadTimeout);
        return defaults with
        {
            Enabled = ScatterGather,
            MaxConcurrency = RangeConcurrency > 0 ? RangeConcurrency : defaults.MaxConcurrency,
            FixedHedgeDelay = RangeHedgeDelay > TimeSpan.Zero ? RangeHedgeDelay : null,
            PartialScanBudget = PartialResultsBudget > TimeSpan.Zero ? PartialResultsBudget : null,
        };
    }

    public IReadOnlyList<string> SeedList() =>
        Seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>PEM file with this node's certificate, for client and internode TLS (src/Node/Security).</summary>
    public string TlsCertificate { get; set; } = "";

    /// <summary>PEM file with the certificate's private key (unencrypted PKCS#8 or the key type's own PEM); keep it mode 0600.</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>PEM file with the cluster CA certificate(s): the only issuer whose node certificates are accepted internode.</summary>
    public string TlsCa { get; set; } = "";

    /// <summary>Mutual TLS between nodes (both sides present a certificate from TlsCa). Off: plain TCP.</summary>
    public bool InternodeTls { get; set; }

    /// <summary>gRPC API over HTTPS and the CQL native port over TLS (1.2+), with TlsCertificate (clients trust TlsCa). Off: plain HTTP/2 and plain CQL.</summary>
    public bool ClientTls { get; set; }

    /// <summary><see cref="BroadcastAddress"/>, or the listen address when unset.</summary>
    public string EffectiveBroadcastAddress => string.IsNullOrWhiteSpace(BroadcastAddress) ? ListenAddress : BroadcastAddress;

    /// <summary>
    /// "none" (the default: anyone who reaches a client port may do anything, as Cassandra's AllowAllAuthenticator) or
    /// "password" (Cassandra's PasswordAuthenticator + CassandraAuthorizer: every gRPC call and native connection logs
    /// in as a role, and every statement is checked against its permissions; src/Node/Security/Auth).
    /// </summary>
    public string Authenticator { get; set; } = "none";

    /// <summary>With the password authenticator: the first superuser created when no role exists yet (empty: cassandra/cassandra).</summary>
    public string AuthInitialSuperuser { get; set; } = "";

    /// <summary>Its password; prefer the environment (RINGSTORE_RingStore__AuthInitialSuperuserPassword) to the command line, which other users can see.</summary>
    public string AuthInitialSuperuserPassword { get; set; } = "";

    /// <summary>How long a role's permissions (and its password hash) are cached before being read again (Cassandra's permissions_validity).</summary>
    public TimeSpan PermissionsValidity { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>True when <see cref="Authenticator"/> asks for passwords.</summary>
    public bool PasswordAuthentication =>
        string.Equals(Authenticator, "password", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Authenticator, "PasswordAuthenticator", StringComparison.OrdinalIgnoreCase);


    /// <summary>Where the client ports bind: <see cref="RpcAddress"/>, or the listen address when unset.</summary>
    public string EffectiveRpcAddress => string.IsNullOrWhiteSpace(RpcAddress) ? ListenAddress : RpcAddress;

    /// <summary>The client address the node advertises: <see cref="BroadcastRpcAddress"/>, else the rpc address unless it is a wildcard, else the broadcast address.</summary>
    public string EffectiveBroadcastRpcAddress =>
        !string.IsNullOrWhiteSpace(BroadcastRpcAddress) ? BroadcastRpcAddress
        : !NodeAddresses.IsWildcard(EffectiveRpcAddress) ? EffectiveRpcAddress
        : EffectiveBroadcastAddress;

    /// <summary>This node's identity in the ring and gossip: the broadcast address and internode port.</summary>
    public string InternodeEndpoint => NodeAddresses.Endpoint(EffectiveBroadcastAddress, InternodePort);

    /// <summary>The gRPC endpoint clients are told (gossip RPC_ADDRESS); it binds to <see cref="EffectiveRpcAddress"/>.</summary>
    public string GrpcEndpoint => NodeAddresses.Endpoint(EffectiveBroadcastRpcAddress, GrpcPort);

    /// <summary>The native-protocol endpoint drivers are told (gossip NATIVE_ADDRESS, system.peers).</summary>
    public string NativeEndpoint => NodeAddresses.Endpoint(EffectiveBroadcastRpcAddress, NativePort);

    /// <summary>Fails fast with a message naming the setting, before any file or port is touched.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterName)) throw new InvalidOperationException("RingStore:ClusterName must not be empty.");
        if (InternodePort is <= 0 or > 65535) throw new InvalidOperationException($"RingStore:InternodePort {InternodePort} is not a TCP port.");
        if (GrpcPort is <= 0 or > 65535) throw new InvalidOperationException($"RingStore:GrpcPort {GrpcPort} is not a TCP port.");
        if (GrpcPort == InternodePort) throw new InvalidOperationException("RingStore:GrpcPort and RingStore:InternodePort must differ.");
        if (MetricsPort is < 0 or > 65535) throw new InvalidOperationException($"RingStore:MetricsPort {MetricsPort} is not a TCP port (0 = off).");
        if (MetricsPort != 0 && (MetricsPort == GrpcPort || MetricsPort == InternodePort || MetricsPort == NativePort))
            throw new InvalidOperationException("RingStore:MetricsPort must differ from the gRPC, internode and native ports.");
        if (NativePort is < 0 or > 65535) throw new InvalidOperationException($"RingStore:NativePort {NativePort} is not a TCP port (0 = off).");
        if (NativePort != 0 && (NativePort == GrpcPort || NativePort == InternodePort))
            throw new InvalidOperationException("RingStore:NativePort must differ from RingStore:GrpcPort and RingStore:InternodePort.");
        if (NumTokens is < 1 or > 4096) throw new InvalidOperationException($"RingStore:NumTokens must be 1..4096, not {NumTokens}.");
        if (string.IsNullOrWhiteSpace(DataDirectory)) throw new InvalidOperationException("RingStore:DataDirectory must be set.");
        if (MemtableBudgetMiB < 1) throw new InvalidOperationException("RingStore:MemtableBudgetMiB must be at least 1.");
        if (CompactionThroughputMiBPerSecond < 0 || double.IsNaN(CompactionThroughputMiBPerSecond))
            throw new InvalidOperationException("RingStore:CompactionThroughputMiBPerSecond must be 0 (unlimited) or positive.");
        if (WriteTimeout <= TimeSpan.Zero || ReadTimeout <= TimeSpan.Zero) throw new InvalidOperationException("RingStore timeouts must be positive.");
        if (RangeConcurrency < 0) throw new InvalidOperationException("RingStore:RangeConcurrency must be 0 (4 per processor) or positive.");
        if (RangeBudget < TimeSpan.Zero || RangeHedgeDelay < TimeSpan.Zero || PartialResultsBudget < TimeSpan.Zero)
            throw new InvalidOperationException("RingStore:RangeBudget, RangeHedgeDelay and PartialResultsBudget must not be negative.");
        if (ResultPageMaxKiB < 1) throw new InvalidOperationException("RingStore:ResultPageMaxKiB must be at least 1.");
        if (ReplicaReplyMaxKiB is < 1 or > 16384) throw new InvalidOperationException("RingStore:ReplicaReplyMaxKiB must be between 1 and 16384.");
        if (MemtableSpaceMiB < 1) throw new InvalidOperationException("RingStore:MemtableSpaceMiB must be at least 1.");
        if (ChunkCacheMiB < 0) throw new InvalidOperationException("RingStore:ChunkCacheMiB must be 0 (no cache) or positive.");
        if (CommitLogTotalSpaceMiB < 1) throw new InvalidOperationException("RingStore:CommitLogTotalSpaceMiB must be at least 1.");
        if (MaxHintsSizePerHostMiB < 0) throw new InvalidOperationException("RingStore:MaxHintsSizePerHostMiB must be 0 (unlimited) or positive.");
        if (DataDiskUsageWarnPercent is < 0 or > 100 || DataDiskUsageFailPercent is < 0 or > 100)
            throw new InvalidOperationException("RingStore:DataDiskUsageWarnPercent and DataDiskUsageFailPercent must be 0 (off) to 100.");
        if (StreamThroughputMiBPerSecond < 0 || double.IsNaN(StreamThroughputMiBPerSecond))
            throw new InvalidOperationException("RingStore:StreamThroughputMiBPerSecond must be 0 (unlimited) or positive.");
        if (CompactionLargePartitionWarningMiB < 0)
            throw new InvalidOperationException("RingStore:CompactionLargePartitionWarningMiB must be 0 (off) or positive.");
        if (TombstoneWarnThreshold < 0 || TombstoneFailureThreshold < 0 || ValueSizeWarnKiB < 0 || BatchSizeWarnKiB < 0 || BatchSizeFailKiB < 0
            || InSelectWarnThreshold < 0 || InSelectFailThreshold < 0)
            throw new InvalidOperationException("RingStore guardrail thresholds must be 0 (off) or positive.");
        if (BatchlogReplayInterval <= TimeSpan.Zero) throw new InvalidOperationException("RingStore:BatchlogReplayInterval must be positive.");
        if (BatchlogReplayTimeout < TimeSpan.Zero) throw new InvalidOperationException("RingStore:BatchlogReplayTimeout must be 0 (twice WriteTimeout) or positive.");
        if (UnloggedBatchWarnPartitions < 0) throw new InvalidOperationException("RingStore:UnloggedBatchWarnPartitions must be 0 (off) or positive.");
        if ((InternodeTls || ClientTls) && (string.IsNullOrWhiteSpace(TlsCertificate) || string.IsNullOrWhiteSpace(TlsKey) || string.IsNullOrWhiteSpace(TlsCa)))
            throw new InvalidOperationException("RingStore:InternodeTls and RingStore:ClientTls need RingStore:TlsCertificate, RingStore:TlsKey and RingStore:TlsCa (PEM files).");
        if (string.IsNullOrWhiteSpace(ListenAddress)) throw new InvalidOperationException("RingStore:ListenAddress must be set (an address, a host name, or 0.0.0.0).");
        if (NodeAddresses.IsWildcard(ListenAddress) && string.IsNullOrWhiteSpace(BroadcastAddress))
            throw new InvalidOperationException($"RingStore:ListenAddress {ListenAddress} binds every interface; set RingStore:BroadcastAddress (--broadcast-address) to the address peers reach this node at.");
        if (NodeAddresses.IsWildcard(BroadcastAddress) || NodeAddresses.IsWildcard(BroadcastRpcAddress))
            throw new InvalidOperationException("RingStore:BroadcastAddress and RingStore:BroadcastRpcAddress are advertised to peers and clients: they must be a real address or host name, not 0.0.0.0 or ::.");
        foreach (var seed in SeedList())
        {
            try
            {
                _ = NodeAddresses.ParseSeed(seed, InternodePort);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"RingStore:Seeds: {e.Message}", e);
            }
        }
        if (!PasswordAuthentication && !string.Equals(Authenticator, "none", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Authenticator, "AllowAllAuthenticator", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"RingStore:Authenticator must be 'none' or 'password', not '{Authenticator}'.");
        if (PermissionsValidity < TimeSpan.Zero) throw new InvalidOperationException("RingStore:PermissionsValidity must not be negative.");
        if (!string.IsNullOrEmpty(AuthInitialSuperuser) && string.IsNullOrEmpty(AuthInitialSuperuserPassword))
            throw new InvalidOperationException("RingStore:AuthInitialSuperuser needs RingStore:AuthInitialSuperuserPassword.");
    }
}
