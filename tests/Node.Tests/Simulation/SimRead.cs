using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Node.Coordination;
using RingStore.Storage.Engine;

namespace RingStore.Node.Tests.Simulation;

/// <summary>
/// A coordinator QUORUM read: data from the fastest replica and digests from the others the level needs, one
/// speculative request past the table's threshold; on a digest mismatch, full data from the replicas that
/// answered, resolution with the merge rule, and blocking read repair (the answer waits for every repair ack).
/// </summary>
internal sealed class SimRead
{
    private readonly SimCluster _cluster;
    private readonly SimNode _node;
    private readonly SliceQuery _query;
    private readonly Action<bool, MergedPartitionData?, IReadOnlyList<RingStore.Core.Data.Row>> _done;
    private readonly TimeSpan _started;
    private bool _answered;
    private int _phase;

    private SimRead(SimCluster cluster, SimNode node, SliceQuery query,
        Action<bool, MergedPartitionData?, IReadOnlyList<RingStore.Core.Data.Row>> done)
    {
        _cluster = cluster;
        _node = node;
        _query = query;
        _done = done;
        _started = cluster.Scheduler.Now;
    }

    public static void Start(SimCluster cluster, SimNode node, SliceQuery query,
        Action<bool, MergedPartitionData?, IReadOnlyList<RingStore.Core.Data.Row>> done) =>
        new SimRead(cluster, node, query, done).Begin();

    private void Begin()
    {
        var natural = _cluster.Ring.GetNaturalReplicas(RingStore.Core.Partitioning.Murmur3Partitioner.GetToken(_query.PartitionKey), _cluster.Strategy);
        ReadPlan plan;
        try
        {
            var now = _cluster.Scheduler.Now;
            plan = ReplicaPlanner.PlanRead(natural, _node.IsAlive, ConsistencyLevel.Quorum, _cluster.Strategy, "dc1",
                e => _node.Latency.ScoreFor(e, now));
        }
        catch (UnavailableException)
        {
            _cluster.Stats.Unavailable++;
            Finish(false, null, []);
            return;
        }

        var tracker = new ReadResponseTracker(plan);
        var answers = new Dictionary<string, ReadResponseMessage>(StringComparer.Ordinal);
        int phase = ++_phase;
        void Ask(string endpoint, bool forData)
        {
            var sent = _cluster.Scheduler.Now;
            _node.Request(endpoint, ReadCommandMessage.For(_query, digestOnly: !forData), (from, payload) =>
            {
                _node.Latency.RecordReplicaLatency(from, _cluster.Scheduler.Now - sent, _cluster.Scheduler.Now);
                if (phase != _phase || _answered || !tracker.RecordResponse(from, !((ReadResponseMessage)payload).IsDigest))
                {
                    return;
                }
                answers[from] = (ReadResponseMessage)payload;
                if (tracker.IsSatisfied)
                {
                    CompareDigests(plan, answers);
                }
            });
        }
        Ask(plan.DataReplica.Endpoint, forData: true);
        foreach (var digest in plan.DigestReplicas)
        {
            Ask(digest.Endpoint, forData: false);
        }

        var threshold = _node.Latency.SpeculativeRetryThreshold(_query.Table) ?? _cluster.Options.DefaultSpeculativeThreshold;
        _node.Timer(threshold, () =>
        {
            if (phase == _phase && !_answered && !tracker.IsSatisfied && plan.SpeculativeCandidate is { } extra)
            {
                _cluster.Stats.SpeculativeRetries++;
                bool forData = !tracker.DataPresent;
                tracker.RecordContacted(extra.Endpoint, forData);
                Ask(extra.Endpoint, forData);
            }
        });
        TimeoutPhase(phase);
    }

    private void CompareDigests(ReadPlan plan, Dictionary<string, ReadResponseMessage> answers)
    {
        var digests = answers.Values.Select(a => a.DigestOrCompute()).ToList();
        if (digests.All(d => d.AsSpan().SequenceEqual(digests[0])))
        {
            var data = answers.Values.First(a => !a.IsDigest).DecodeData();
            var resolution = ReadResolver.Resolve(_query, [new ReplicaReadResponse(_node.Endpoint, data)], _cluster.NowSeconds);
            Finish(true, resolution.Resolved, resolution.VisibleRows);
            return;
        }
        _cluster.Stats.DigestMismatches++;
        FetchFullData(plan, answers.Keys.ToList());
    }

    private void FetchFullData(ReadPlan plan, IReadOnlyList<string> responders)
    {
        int phase = ++_phase;
        var contacts = responders.Select(e => plan.Candidates.First(c => c.Endpoint == e)).ToList();
        var tracker = new ReadResponseTracker(plan with { Contacts = contacts, SpeculativeCandidate = null });
        var responses = new List<ReplicaReadResponse>();
        foreach (var c in contacts)
        {
            tracker.RecordContacted(c.Endpoint, forData: true);
            _node.Request(c.Endpoint, ReadCommandMessage.For(_query, digestOnly: false), (from, payload) =>
            {
                if (phase != _phase || _answered || !tracker.RecordResponse(from, isData: true))
                {
                    return;
                }
                responses.Add(new ReplicaReadResponse(from, ((ReadResponseMessage)payload).DecodeData()));
                if (tracker.IsSatisfied)
                {
                    ResolveAndRepair(responses);
                }
            });
        }
        TimeoutPhase(phase);
    }

    private void ResolveAndRepair(IReadOnlyList<ReplicaReadResponse> responses)
    {
        var resolution = ReadResolver.Resolve(_query, responses, _cluster.NowSeconds);
        var repairs = resolution.Repairs.ToList();
        if (repairs.Count == 0 || _cluster.Options.DisableReadRepair)
        {
            Finish(true, resolution.Resolved, resolution.VisibleRows);
            return;
        }
        int phase = ++_phase;
        var waiting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (endpoint, update) in repairs)
        {
            _cluster.Stats.ReadRepairs++;
            if (endpoint == _node.Endpoint)
            {
                _node.Store.Apply(update);
                continue;
            }
            waiting.Add(endpoint);
            _node.Request(endpoint, new MutateRequest(MutationKind.ReadRepair, MutationMessage.For(update)), (from, _) =>
            {
                if (phase != _phase || _answered)
                {
                    return;
                }
                waiting.Remove(from);
                if (waiting.Count == 0)
                {
                    Finish(true, resolution.Resolved, resolution.VisibleRows);
                }
            });
        }
        if (waiting.Count == 0 || _cluster.Options.AnswerBeforeRepairAcks)
        {
            Finish(true, resolution.Resolved, resolution.VisibleRows);
            return;
        }
        TimeoutPhase(phase);
    }

    private void TimeoutPhase(int phase) =>
        _node.Timer(_cluster.Options.RequestTimeout, () =>
        {
            if (phase == _phase && !_answered)
            {
                _cluster.Stats.ReadTimeouts++;
                Finish(false, null, []);
            }
        });

    private void Finish(bool ok, MergedPartitionData? data, IReadOnlyList<RingStore.Core.Data.Row> rows)
    {
        if (_answered)
        {
            return;
        }
        _answered = true;
        if (ok)
        {
            _node.Latency.RecordTableRead(_query.Table, _cluster.Scheduler.Now - _started);
        }
        _done(ok, data, rows);
    }
}
