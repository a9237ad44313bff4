using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Grpc.Core;
using RingStore.Client.Policies;
using RingStore.Client.Protos;
using RingStore.Client.Routing;
using RingStore.Core.Errors;

namespace RingStore.Client;

/// <summary>
/// The RingStore driver. Connects through contact points, learns the ring and schema (DescribeRing,
/// DescribeSchema) and refreshes them in the background; sends each request to a live replica of its partition
/// when the key is known (token-aware), spreading load over the replicas, and falls back to other nodes when one
/// is unreachable. Only idempotent requests are retried, and only on errors that allow it (transport failures,
/// and Unavailable once on another node); WriteFailure and ReadFailure (replicas answered with errors) are definite and
/// never retried. Thread-safe; create one per application.
/// </summary>
public sealed partial class RingStoreClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NodeConnection> _connections = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimestampGenerator _timestamps;
    private ClusterMetadata _metadata = null!;
    private Task? _refresher;
    private long _roundRobin;
    private readonly NodeHealth _health;
    private readonly RecentLatencies _recent = new();
    private readonly long _origin;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2Collection? _trustedCa;

    private RingStoreClient(RingStoreClientOptions options)
    {
        Options = options;
        _trustedCa = options.CaFile is null ? null : Tls.CaTrust.LoadPem(options.CaFile);
        _credentials = new Auth.CredentialsSlot(options.Credentials);
        _health = new NodeHealth(options.LatencyAware);
        _origin = options.TimeProvider.GetTimestamp();
        _timestamps = new TimestampGenerator(options.TimeProvider);
    }

    public RingStoreClientOptions Options { get; }

    private readonly Auth.CredentialsSlot _credentials;

    /// <summary>The role this client logs in as (null: none).</summary>
    public string? Username => _credentials.Current?.Username;

    /// <summary>
    /// Switches every connection to another role (the shell's LOGIN) and checks it at once by refreshing the metadata;
    /// on failure the previous credentials stay and the error (BadCredentials) is thrown.
    /// </summary>
    public async Task LoginAsync(string username, string password, CancellationToken ct = default)
    {
        var previous = _credentials.Current;
        _credentials.Set(new Auth.ClientCredentials(username, password));
        try
        {
            await RefreshMetadataAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            _credentials.Set(previous);
            throw;
        }
    }

    /// <summary>The keyspace set by USE (sent with every statement); null for none.</summary>
    public string? Keyspace { get; set; }

    public ClusterMetadata Metadata => Volatile.Read(ref _metadata);

    /// <summary>Requests sent to each node's gRPC address by this client (token-awareness shows here).</summary>
    public IReadOnlyDictionary<string, long> RequestsPerNode => _requestsPerNode;

    private readonly ConcurrentDictionary<string, long> _requestsPerNode = new(StringComparer.Ordinal);

    public static async Task<RingStoreClient> ConnectAsync(RingStoreClientOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ContactPoints.Count == 0) throw new ArgumentException("At least one contact point is required.", nameof(options));
        var client = new RingStoreClient(options);
        try
        {
            await client.RefreshMetadataAsync(ct).ConfigureAwait(false);
            client._refresher = Task.Run(client.RefreshLoopAsync, CancellationToken.None);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Re-reads ring and schema from the first node that answers.</summary>
    public async Task RefreshMetadataAsync(CancellationToken ct = default)
    {
        var candidates = (_metadata?.Ring.Nodes.Where(n => n.Liveness == "UP").Select(n => n.RpcAddress) ?? [])
            .Concat(Options.ContactPoints).Distinct(StringComparer.Ordinal).ToList();
        Exception? last = null;
        foreach (var address in candidates)
        {
            var connection = Connection(address);
            try
            {
                // The request timeout, not a shorter fixed one: a loaded node answered its first calls (JIT, channel
                // setup) after more than 5 s, and a client that gives up then cannot connect at all.
                var deadline = UtcNow.Add(Options.RequestTimeout);
                var ring = await connection.Api.DescribeRingAsync(new DescribeRingRequest(), deadline: deadline, cancellationToken: ct).ConfigureAwait(false);
                var schema = await connection.Api.DescribeSchemaAsync(new DescribeSchemaRequest(), deadline: deadline, cancellationToken: ct).ConfigureAwait(false);
                foreach (var node in ring.Nodes.Where(n => n.RpcAddress.Length > 0))
                    Connection(node.RpcAddress).GossipUp = node.Liveness == "UP";
                Volatile.Write(ref _metadata, new ClusterMetadata(ring, schema));
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                throw RingStoreException.From(e); // wrong credentials: every node would say the same
            }
            catch (RpcException e)
            {
                last = e;
            }
        }
        throw new RingStoreException(
            $"No contact point answered ({string.Join(", ", candidates)}).{ConnectionFailureHint.For(last, Options.CaFile is not null)}", last!);
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(Options.MetadataRefreshInterval, Options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try { await RefreshMetadataAsync(_stop.Token).ConfigureAwait(false); }
                catch (RingStoreException) { /* the cluster may be briefly unreachable; keep the last view */ }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private NodeConnection Connection(string rpcAddress) => _connections.GetOrAdd(rpcAddress, a => new NodeConnection(a, Options.TimeProvider, _trustedCa, _credentials));

    /// <summary>
    /// Nodes to try, best first: the replicas of the token (the same one first for a partition unless ShuffleReplicas,
    /// else rotated per request) when known, then
    /// every other node round-robin. Nodes marked unreachable go last rather than nowhere.
    /// </summary>
    private List<NodeConnection> QueryPlan(string? keyspace, Core.Partitioning.Token? token)
    {
        var metadata = Metadata;
        var all = metadata.Ring.Nodes.Where(n => n.RpcAddress.Length > 0).Select(n => n.RpcAddress)
            .Concat(Options.ContactPoints).Distinct(StringComparer.Ordinal).ToList();
        long turn = Options.StickyCoordinator && token is null ? 0 : Interlocked.Increment(ref _roundRobin);
        var replicas = Options.TokenAware && token is { } t && keyspace is not null ? metadata.ReplicaAddresses(keyspace, t).ToList() : [];
        long replicaTurn = Options.ShuffleReplicas || token is not { } stable ? turn : (long)((ulong)stable.Value % int.MaxValue);
        var ordered = Rotate(replicas, replicaTurn).Concat(Rotate(all.Except(replicas, StringComparer.Ordinal).ToList(), turn)).Select(Connection).ToList();
        var now = UtcNow;
        return ordered.Where(c => c.IsUsable(now)).Concat(ordered.Where(c => !c.IsUsable(now))).ToList();
    }

    private static IEnumerable<T> Rotate<T>(IReadOnlyList<T> items, long turn)
    {
        if (items.Count == 0) yield break;
        int start = (int)(turn % items.Count);
        for (int i = 0; i < items.Count; i++) yield return items[(start + i) % items.Count];
    }

    /// <summary>
    /// Runs one call along the query plan (latency-aware: slow nodes after the others, suspected ones last) with the retry
    /// rules in the class summary. An idempotent call gets at most one speculative extra attempt on the next node when
    /// the first has not answered after the speculative delay; the first answer wins and the other attempt is cancelled.
    /// When every attempt failed, <see cref="AttemptVerdict.Final"/> says what the application is told.
    /// </summary>
    private async Task<T> SendAsync<T>(string? keyspace, Core.Partitioning.Token? token, bool idempotent, TimeSpan? timeout,
        Func<NodeConnection, CallOptions, Task<T>> call, CancellationToken ct, RequestErrorKind timeoutKind = RequestErrorKind.ReadTimeout,
        Consistency? consistency = null)
    {
        // At ONE / LOCAL_ONE / ANY, which coordinator serves a partition decides whether a read sees the write before it
        // (its local replica answers): keep the partition's usual replica first and do not speculate to another one.
        bool localityMatters = consistency is Consistency.One or Consistency.LocalOne or Consistency.Any or Consistency.Default;
        var plan = _health.Order(QueryPlan(keyspace, token), c => c.RpcAddress, Now, byLatency: !localityMatters);
        if (plan.Count == 0) throw new RingStoreException("No node to send the request to.");
        var failures = new List<(RequestAttempt Attempt, RingStoreException Error)>();
        var running = new List<Attempt<T>>();
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct); // cancels the losing attempt and the timer
        TimeSpan budget = timeout ?? Options.RequestTimeout;
        bool mayHedge = idempotent && Options.SpeculativeExecution.Enabled && !localityMatters;
        bool hedged = false, retriedUnavailable = false;
        int next = 0;
        Task? hedgeTimer = null;

        void Start()
        {
            var node = plan[next++];
            _requestsPerNode.AddOrUpdate(node.RpcAddress, 1, (_, n) => n + 1);
            var options = new CallOptions(deadline: UtcNow + budget, cancellationToken: abandon.Token);
            running.Add(new Attempt<T>(node, Now, call(node, options)));
            hedgeTimer = mayHedge && !hedged && next < plan.Count
                ? Task.Delay(Options.SpeculativeExecution.DelayFor(_recent), Options.TimeProvider, abandon.Token)
                : null;
        }

        try
        {
            Start();
            while (running.Count > 0)
            {
                var waitFor = running.Select(a => (Task)a.Task).ToList();
                if (hedgeTimer is not null) waitFor.Add(hedgeTimer);
                var done = await Task.WhenAny(waitFor).ConfigureAwait(false);
                if (done == hedgeTimer)
                {
                    hedged = true;
                    if (!hedgeTimer.IsCanceled) Start();
                    hedgeTimer = null;
                    continue;
                }
                var attempt = running.First(a => a.Task == done);
                running.Remove(attempt);
                if (attempt.Task.IsCompletedSuccessfully)
                {
                    var now = Now;
                    _health.RecordLatency(attempt.Node.RpcAddress, now - attempt.Started, now);
                    _recent.Add(now - attempt.Started);
                    attempt.Node.MarkReachable();
                    // The loser's own wait (speculative delay + the winner's time), not the winner's latency: a frozen node's average must climb.
                    foreach (var loser in running) _health.RecordOvertaken(loser.Node.RpcAddress, now - loser.Started, now);
                    return attempt.Task.Result;
                }
                if (ct.IsCancellationRequested || attempt.Task.Exception?.InnerException is not RpcException e)
                {
                    await attempt.Task.ConfigureAwait(false); // the caller's cancellation or an unexpected error: as it came
                    throw new InvalidOperationException("unreachable");
                }
                var error = RingStoreException.From(e, timeoutKind);
                var outcome = AttemptVerdict.Classify(error);
                failures.Add((new RequestAttempt(attempt.Node.RpcAddress, outcome), error));
                if (e.StatusCode == StatusCode.DeadlineExceeded && e.Trailers.GetValue("ringstore-error-kind") is null)
                    _health.MarkMissedDeadline(attempt.Node.RpcAddress, Now); // no answer at all within the whole deadline
                bool retry;
                if (error.IsTransportFailure && e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown)
                {
                    attempt.Node.MarkUnreachable(UtcNow, Options.DownNodeRetryDelay);
                    retry = idempotent;
                }
                else if (outcome == AttemptOutcome.Unavailable && idempotent && !retriedUnavailable)
                {
                    retriedUnavailable = true; // another coordinator may see more replicas alive (DataStax's default)
                    retry = true;
                }
                else
                {
                    retry = false;
                }
                // A definite or final error still waits for an attempt in flight on another node: it may succeed.
                if (retry && running.Count == 0 && next < plan.Count) Start();
                else if (!retry && running.Count == 0) break;
            }
        }
        finally
        {
            await abandon.CancelAsync().ConfigureAwait(false);
        }
        foreach (var loser in running) failures.Add((new RequestAttempt(loser.Node.RpcAddress, AttemptOutcome.Overtaken), Cancelled));
        throw AttemptVerdict.Final(failures, timeoutKind);
    }

    private static readonly RingStoreException Cancelled = new("Cancelled.", RequestErrorKind.Unknown, StatusCode.Cancelled);

    private TimeSpan Now => Options.TimeProvider.GetElapsedTime(_origin);

    /// <summary>Wall-clock time on the client's clock: call deadlines and when a skipped node is tried again.</summary>
    private DateTime UtcNow => Options.TimeProvider.GetUtcNow().UtcDateTime;

    private sealed record Attempt<T>(NodeConnection Node, TimeSpan Started, Task<T> Task);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_refresher is not null)
        {
            try { await _refresher.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        foreach (var connection in _connections.Values) connection.Dispose();
        _stop.Dispose();
    }
}
