using RingStore.Client.Policies;
using RingStore.Client.Protos;

namespace RingStore.Client;

/// <summary>How a <see cref="RingStoreClient"/> finds the cluster and behaves by default.</summary>
public sealed record RingStoreClientOptions
{
    /// <summary>gRPC addresses (host:port) of one or more nodes; the rest of the cluster is learnt from them.</summary>
    public required IReadOnlyList<string> ContactPoints { get; init; }

    /// <summary>
    /// PEM file of the CA to trust (the cluster's, e.g. <c>ca.pem</c> from <c>ringstore up --tls</c>). When set, every
    /// connection is TLS 1.2+ (https) and a node's certificate must chain to this CA and name the address dialled;
    /// null (the default) is plain HTTP/2.
    /// </summary>
    public string? CaFile { get; init; }

    public Consistency DefaultConsistency { get; init; } = Consistency.LocalOne;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>How often the ring and schema are re-read (a node joining, leaving, going down or a schema change).</summary>
    public TimeSpan MetadataRefreshInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows per page for SELECT.</summary>
    public int PageSize { get; init; } = 5000;

    /// <summary>Send each request to a replica of its partition when the key is known (DataStax's TokenAwarePolicy).</summary>
    public bool TokenAware { get; init; } = true;

    /// <summary>
    /// False (the default): every request for a partition goes first to the same replica (chosen by its token), so
    /// a read at ONE after a write at ONE reaches the coordinator that applied the write (read-your-writes in the
    /// common case); load spreads over partitions. True: rotate over the replicas per request (DataStax's
    /// shuffleReplicas), which spreads one hot partition's requests over its replicas.
    /// </summary>
    public bool ShuffleReplicas { get; init; }

    /// <summary>
    /// True: a request whose partition the SDK cannot tell (a CQL statement with literal values) goes to the same
    /// node every time — the first usable one — instead of round-robin, as cqlsh talks to one host: that node
    /// coordinates the shell's writes and reads alike, so a ONE read sees the ONE write before it.
    /// </summary>
    public bool StickyCoordinator { get; init; }

    /// <summary>
    /// Send Mutate, Read and Execute over one multiplexed Session stream per node (<see cref="Sessions.RingStoreSession"/>)
    /// instead of a unary call each: same results and errors, a fraction of the CPU per request.
    /// </summary>
    public bool UseSessions { get; init; } = true;

    /// <summary>How long a node that refused a connection is skipped before it is tried again.</summary>
    public TimeSpan DownNodeRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Latency-aware ordering of the query plan: slow nodes after the others, nodes that missed a deadline last.</summary>
    public LatencyAwareOptions LatencyAware { get; init; } = new();

    /// <summary>A second attempt of an idempotent request on another node when the first is slow (at most one extra).</summary>
    public SpeculativeExecutionOptions SpeculativeExecution { get; init; } = new();

    /// <summary>
    /// The client's only clock: latencies, suspicion, the speculative delay, write timestamps, call deadlines, session
    /// deadline sweeps, the metadata refresh and when a skipped node is tried again (tests and simulations pass a fake
    /// one). gRPC itself measures a unary call's deadline on the system clock, so a virtual clock used with real
    /// nodes should start at the wall-clock time.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Role name and password for nodes with the password authenticator (sent with every call); null = none. Set both
    /// or neither. A wrong password fails ConnectAsync and every call with RequestErrorKind.BadCredentials.
    /// </summary>
    public string? Username { get; init; }

    /// <summary>See <see cref="Username"/>. Not shown by ToString.</summary>
    public string? Password { get; init; }

    /// <summary>The main settings, the password masked (a record would print it).</summary>
    public override string ToString() =>
        $"RingStoreClientOptions {{ ContactPoints = [{string.Join(", ", ContactPoints)}], CaFile = {CaFile}, DefaultConsistency = {DefaultConsistency}, " +
        $"Username = {Username}, Password = {(Password is null ? "null" : "*****")} }}";

    internal Auth.ClientCredentials? Credentials =>
        Username is null && Password is null ? null
        : Username is null || Password is null ? throw new ArgumentException("RingStoreClientOptions: set both Username and Password, or neither.")
        : new Auth.ClientCredentials(Username, Password);
}
