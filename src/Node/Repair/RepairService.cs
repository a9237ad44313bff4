using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Node.Messaging;
using RingStore.Node.Requests;
using RingStore.Node.Schema;
using RingStore.Node.Streaming;
using RingStore.Storage.Engine;
using RingStore.Storage.Repair;

namespace RingStore.Node.Repair;

/// <summary>What to repair: tables (empty = all), only primary ranges, only the parts of the node's ranges inside <see cref="Ranges"/>.</summary>
public sealed record RepairRequestOptions(string Keyspace, string Table, bool PrimaryOnly, IReadOnlyList<(long StartExclusive, long EndInclusive)> Ranges);

/// <summary>Progress after each range; <see cref="Failure"/> set when that range failed.</summary>
public sealed record RepairProgress(string Table, long StartExclusive, long EndInclusive, int RangesDone, int RangesTotal,
    RangeRepairResult Totals, string? Failure);

public sealed record RepairSummary(int RangesTotal, int RangesFailed, RangeRepairResult Totals, IReadOnlyList<string> Failures);

/// <summary>
/// nodetool repair on this node: every range it replicates (or its primary ranges) of the chosen tables, against all
/// the range's other replicas, one range after another (RangeRepairer). A replica that is down fails its ranges at once
/// ("replica X is down"); one that fails mid-range fails that range; the others go on. Successful ranges go to the
/// durable <see cref="RepairHistory"/> of every replica of the range (RepairRecorded). At most one repair per table on
/// this node at a time.
/// </summary>
public sealed class RepairService(RepairService.Dependencies node, StreamThrottle throttle, RepairHistory history, TimeProvider time, ILogger logger)
{
    /// <summary>What a repair reads of the node: its address, schema, membership, replicas, messaging and engine.</summary>
    public sealed record Dependencies(
        string Self,
        SchemaManager Schema,
        Func<MembershipSnapshot> CurrentMembership,
        LocalReplica Local,
        IMessagingService Messaging,
        ReplicaLookup Lookup,
        StorageEngine Engine,
        TimeSpan ReadTimeout)
    {
        public MembershipSnapshot Membership => CurrentMembership();
    }

    private readonly ConcurrentDictionary<string, bool> _running = new(StringComparer.Ordinal);
    private readonly RangeRepairer _repairer = new(throttle);

    public RepairHistory History => history;

    private string Self => node.Self;

    public async Task<RepairSummary> RepairAsync(RepairRequestOptions options, Func<RepairProgress, Task> progress, CancellationToken ct)
    {
        var schema = node.Schema.Current;
        if (!string.IsNullOrEmpty(options.Keyspace) && !schema.TryGetKeyspace(options.Keyspace, out _))
            throw new Core.Errors.InvalidRequestException($"Keyspace '{options.Keyspace}' does not exist.");
        var tables = schema.Tables.Where(t => (string.IsNullOrEmpty(options.Keyspace) || t.Keyspace == options.Keyspace)
            && (string.IsNullOrEmpty(options.Table) || t.Name == options.Table)).ToList();
        if (!string.IsNullOrEmpty(options.Table) && tables.Count == 0) throw new Core.Errors.UnknownTableException($"{options.Keyspace}.{options.Table}");

        var claimed = new List<string>();
        try
        {
            foreach (var t in tables)
            {
                if (!_running.TryAdd(t.FullName, true))
                    throw new Core.Errors.InvalidRequestException($"A repair of {t.FullName} is already running on this node.");
                claimed.Add(t.FullName);
            }
            var membership = node.Membership;
            var plan = tables.SelectMany(t => Plan(t.FullName, t.Keyspace, membership, options)).ToList();
            int now = checked((int)time.GetUtcNow().ToUnixTimeSeconds());
            var totals = RangeRepairResult.Empty;
            var failures = new List<string>();
            int done = 0;
            foreach (var item in plan)
            {
                ct.ThrowIfCancellationRequested();
                string? failure = null;
                try
                {
                    var dead = item.Replicas.Where(r => !membership.IsAlive(r)).ToList();
                    if (dead.Count > 0) throw new InvalidOperationException($"replica {string.Join(", ", dead)} is down");
                    var replicas = new List<IRepairReplica> { new LocalRepairReplica(node.Local, Self, history) };
                    replicas.AddRange(item.Replicas.Select(r => new RemoteRepairReplica(node.Messaging, PeerAddress.Parse(r),
                        ValidationTimeout, node.ReadTimeout * 6)));
                    using var watch = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    using var watchdog = WatchReplicas(item.Replicas, watch);
                    RangeRepairResult result;
                    try
                    {
                        result = await _repairer.RepairAsync(item.Table, item.StartExclusive, item.EndInclusive, replicas, item.Depth, now, watch.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested && watchdog.DownReplica is { } down)
                    {
                        throw new InvalidOperationException($"replica {down} went down during the repair of this range");
                    }
                    totals = totals.Add(result);
                    await RecordEverywhereAsync(replicas, item, now, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failure = $"{item.Table} ({item.StartExclusive}, {item.EndInclusive}]: {e.Message}";
                    failures.Add(failure);
                    logger.LogWarning("Repair of {Range} failed: {Error}", failure, e.Message);
                }
                done++;
                await progress(new RepairProgress(item.Table, item.StartExclusive, item.EndInclusive, done, plan.Count, totals, failure)).ConfigureAwait(false);
            }
            logger.LogInformation("Repair done: {Done} ranges, {Failed} failed, {Compared} entries compared, {Differing} differing, {Sent} rows sent",
                plan.Count, failures.Count, totals.EntriesCompared, totals.EntriesDiffering, totals.RowsSent);
            return new RepairSummary(plan.Count, failures.Count, totals, failures);
        }
        finally
        {
            foreach (var t in claimed) _running.TryRemove(t, out _);
        }
    }

    /// <summary>
    /// The range is in line on every replica: each of them (this node included) records it in its own history. A
    /// participant that misses the message only purges its tombstones later (at its next recorded repair), never
    /// earlier, so that does not fail the range.
    /// </summary>
    private async Task RecordEverywhereAsync(IReadOnlyList<IRepairReplica> replicas, PlanItem item, int now, CancellationToken ct)
    {
        await Task.WhenAll(replicas.Select(async r =>
        {
            try
            {
                await r.RecordRepairedAsync(item.Table, item.StartExclusive, item.EndInclusive, now, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning("Repair of {Table} ({Start}, {End}] succeeded but {Replica} did not record it: {Error}",
                    item.Table, item.StartExclusive, item.EndInclusive, r.Name, e.Message);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a range's repair as soon as gossip says one of its replicas is down, instead of waiting for a request
    /// timeout (a validation may legitimately take minutes).
    /// </summary>
    private ReplicaWatchdog WatchReplicas(IReadOnlyList<string> replicas, CancellationTokenSource range) =>
        new(() => replicas.FirstOrDefault(r => !node.Membership.IsAlive(r)), range, time);

    private sealed class ReplicaWatchdog : IDisposable
    {
        private readonly ITimer _timer;

        public ReplicaWatchdog(Func<string?> findDown, CancellationTokenSource range, TimeProvider time)
        {
            _timer = time.CreateTimer(_ =>
            {
                if (DownReplica is null && findDown() is { } down)
                {
                    DownReplica = down;
                    try { range.Cancel(); } catch (ObjectDisposedException) { }
                }
            }, null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }

        public string? DownReplica { get; private set; }

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>Validation reads a whole range on each replica: far longer than a read.</summary>
    private static readonly TimeSpan ValidationTimeout = TimeSpan.FromMinutes(10);

    private sealed record PlanItem(string Table, long StartExclusive, long EndInclusive, IReadOnlyList<string> Replicas, int Depth);

    private IEnumerable<PlanItem> Plan(string table, string keyspace, RingStore.Gossip.Ring.MembershipSnapshot membership, RepairRequestOptions options)
    {
        var strategy = node.Lookup.Strategy(keyspace);
        RingSnapshot ring = membership.For(strategy).Ring;
        var mine = new List<(TokenRange Range, IReadOnlyList<string> Others)>();
        for (int i = 0; i < ring.VnodeCount; i++)
        {
            var replicas = ring.GetNaturalReplicas(ring.TokenAt(i), strategy).Select(n => n.Endpoint).ToList();
            if (!replicas.Contains(Self) || replicas.Count < 2) continue;
            if (options.PrimaryOnly && replicas[0] != Self) continue;
            mine.Add((ring.RangeAt(i), replicas.Where(r => r != Self).ToList()));
        }
        // Depth from this node's partition count and SSTable bytes spread over the part of the ring it holds.
        double ownedFraction = mine.Sum(m => m.Range.RingFraction);
        var stats = node.Engine.GetStats().Tables.Where(t => t.Table == table).ToList();
        long partitions = stats.Sum(t => t.SSTablePartitions), bytes = stats.Sum(t => t.DiskBytes);
        foreach (var (range, others) in mine)
            foreach (var piece in range.Unwrap())
                foreach (var (s, e) in Intersect(piece.Left.Value, piece.Right.Value, options.Ranges))
                {
                    double fraction = (double)(ulong)(e - s) / Math.Pow(2, 64);
                    double share = ownedFraction > 0 ? fraction / ownedFraction : 0;
                    yield return new PlanItem(table, s, e, others, MerkleTree.DepthFor((long)(partitions * share), (long)(bytes * share)));
                }
    }

    private static IEnumerable<(long, long)> Intersect(long start, long end, IReadOnlyList<(long StartExclusive, long EndInclusive)> filter)
    {
        if (filter.Count == 0)
        {
            yield return (start, end);
            yield break;
        }
        foreach (var (fs, fe) in filter)
            foreach (var piece in new TokenRange(new Token(fs), new Token(fe)).Unwrap())
            {
                long s = Math.Max(start, piece.Left.Value), e = Math.Min(end, piece.Right.Value);
                if (s < e) yield return (s, e);
            }
    }
}
