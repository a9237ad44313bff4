using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination.Operations;

/// <summary>
/// One coordinated partition read as a pure state machine (Cassandra's digest read with speculative retry and
/// blocking read repair). Events in: start, a replica's answer / failure / refusal, speculation due, a data fetch's
/// answer, a repair's ack or failure, the deadline. Effects out: ask, fetch, repair, arm a timer, answer. No I/O,
/// clock or threads: the node's <c>ReadCoordinator</c> drives it with real messaging and TimeProvider timers and the
/// simulation drives the same object on virtual time. Not thread-safe: the driver serializes events.
/// </summary>
/// <remarks>
/// Phases: <b>round</b> (data from the best replica, digests from as many more as the level needs; a replica that
/// fails is replaced at once by the next live candidate, asked for data; past the speculation threshold one more is
/// asked for data; a replica that refuses — a guardrail — is not replaced: the others hold the same tombstones) ->
/// <b>compare</b> (equal digests: answer from the data) -> <b>fetch</b> (mismatch: data from every replica that
/// sent a digest) -> <b>repair</b> (resolve with the merge rule, send each stale replica what it lacks and wait for
/// every ack, so what is returned is on as many replicas as the level needs; a failed repair is stood in for by a
/// live replica that took no part, sent the whole resolved partition) -> answer. The deadline ends any phase.
/// </remarks>
public sealed class ReadOperation
{
    private enum Phase { NotStarted, Round, Fetch, Repair, Done }

    private readonly ReadPlan _plan;
    private readonly SliceQuery _query;
    private readonly int _nowSeconds;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan? _speculateAfter;
    private readonly ReadResponseTracker _tracker;
    private readonly HashSet<string> _contacted;
    private readonly List<(NodeInfo Replica, ReadResponseMessage Response)> _answers = [];
    private readonly Dictionary<string, ReplicaReadResponse?> _fetched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fetchErrors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _repairsPending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _repairedOrTried = new(StringComparer.Ordinal);
    private Phase _phase;
    private int _fetchesOutstanding;
    private ReadResolution? _resolution;

    /// <param name="plan">Contacts, speculative candidate and every live candidate, from <see cref="ReplicaPlanner.PlanRead"/>.</param>
    /// <param name="query">The slice read (resolution applies its limit and paging).</param>
    /// <param name="nowSeconds">The time TTLs are judged at (seconds since the epoch), fixed for the whole read.</param>
    /// <param name="timeout">The read deadline, from <see cref="Start"/>'s time.</param>
    /// <param name="speculateAfter">Ask one more replica if the round is not done by then (null: never).</param>
    public ReadOperation(ReadPlan plan, SliceQuery query, int nowSeconds, TimeSpan timeout, TimeSpan? speculateAfter)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(query);
        _plan = plan;
        _query = query;
        _nowSeconds = nowSeconds;
        _timeout = timeout;
        _speculateAfter = speculateAfter;
        _tracker = new ReadResponseTracker(plan);
        _contacted = new HashSet<string>(plan.Contacts.Select(c => c.Endpoint), StringComparer.Ordinal);
    }

    /// <summary>Whether the client has been answered.</summary>
    public bool Answered => _phase == Phase.Done;

    /// <summary>The round's answers, in arrival order (digests and data).</summary>
    public IReadOnlyList<(NodeInfo Replica, ReadResponseMessage Response)> Answers => _answers;

    public IReadOnlyList<ReadEffect> Start(TimeSpan now)
    {
        if (_phase != Phase.NotStarted) throw new InvalidOperationException("A read operation starts once.");
        _phase = Phase.Round;
        var effects = new List<ReadEffect>();
        for (int i = 0; i < _plan.Contacts.Count; i++) effects.Add(new ReadEffect.Ask(_plan.Contacts[i], DigestOnly: i > 0));
        if (_speculateAfter is { } wait && _plan.SpeculativeCandidate is not null) effects.Add(new ReadEffect.ArmSpeculation(now + wait));
        effects.Add(new ReadEffect.ArmTimeout(now + _timeout));
        return effects;
    }

    /// <summary>A replica answered the round (data or digest).</summary>
    public IReadOnlyList<ReadEffect> OnResponse(NodeInfo replica, ReadResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(response);
        if (_phase != Phase.Round || !_tracker.RecordResponse(replica.Endpoint, !response.IsDigest)) return [];
        _answers.Add((replica, response));
        var effects = new List<ReadEffect>();
        CheckRound(effects);
        return effects;
    }

    /// <summary>
    /// A replica of the round failed: <paramref name="error"/> is its error answer (corrupt SSTable, I/O error), null
    /// when it did not answer (timeout, lost connection). The next live candidate is asked for data in its place.
    /// </summary>
    public IReadOnlyList<ReadEffect> OnFailure(string endpoint, string? error)
    {
        if (_phase != Phase.Round) return [];
        var effects = new List<ReadEffect>();
        if (TakeNextCandidate() is { } next) effects.Add(new ReadEffect.Ask(next, DigestOnly: false));
        _tracker.RecordFailure(endpoint, error);
        CheckRound(effects);
        return effects;
    }

    /// <summary>A replica refused the read (a guardrail): the read fails with its reason; nobody is asked instead.</summary>
    public IReadOnlyList<ReadEffect> OnRefused(string endpoint, string reason)
    {
        if (_phase != Phase.Round) return [];
        var effects = new List<ReadEffect>();
        _tracker.RecordFailure(endpoint, reason);
        CheckRound(effects);
        return effects;
    }

    /// <summary>The speculation threshold passed: if the round is still open, ask one more replica for data.</summary>
    public IReadOnlyList<ReadEffect> OnSpeculationDue()
    {
        if (_phase != Phase.Round || TakeNextCandidate() is not { } extra) return [];
        return [new ReadEffect.SpeculatedRetry(extra), new ReadEffect.Ask(extra, DigestOnly: false)];
    }

    /// <summary>A replica that sent a digest answered the data fetch.</summary>
    public IReadOnlyList<ReadEffect> OnDataFetched(ReplicaReadResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (_phase != Phase.Fetch || !_fetched.ContainsKey(response.Endpoint) || _fetched[response.Endpoint] is not null) return [];
        _fetched[response.Endpoint] = response;
        _fetchesOutstanding--;
        var effects = new List<ReadEffect>();
        CheckFetch(effects);
        return effects;
    }

    /// <summary>A data fetch failed: <paramref name="error"/> is the replica's error answer, null for no answer.</summary>
    public IReadOnlyList<ReadEffect> OnFetchFailed(string endpoint, string? error)
    {
        if (_phase != Phase.Fetch || !_fetched.TryGetValue(endpoint, out var got) || got is not null || !_fetchErrors.TryAdd(endpoint, error ?? "")) return [];
        _fetchesOutstanding--;
        var effects = new List<ReadEffect>();
        CheckFetch(effects);
        return effects;
    }

    /// <summary>A replica acknowledged its read repair.</summary>
    public IReadOnlyList<ReadEffect> OnRepairAcked(string endpoint)
    {
        if (_phase != Phase.Repair || !_repairsPending.Remove(endpoint)) return [];
        var effects = new List<ReadEffect>();
        if (_repairsPending.Count == 0) AnswerWith(effects, _resolution!);
        return effects;
    }

    /// <summary>
    /// A read repair failed (the replica's disk failed, it is leaving): send the whole resolved partition to a live
    /// replica that took no part in the read instead; with none left, the read fails as a timeout (it could not be
    /// made safe in time).
    /// </summary>
    public IReadOnlyList<ReadEffect> OnRepairFailed(string endpoint)
    {
        if (_phase != Phase.Repair || !_repairsPending.Remove(endpoint)) return [];
        var effects = new List<ReadEffect>();
        var spare = _resolution!.ForAbsentReplica is null
            ? null
            : _plan.Candidates.FirstOrDefault(c => !_answers.Any(a => a.Replica.Endpoint == c.Endpoint) && !_repairedOrTried.Contains(c.Endpoint));
        if (spare is null)
        {
            Fail(effects, new ReadTimeoutException(_plan.Consistency, _plan.BlockFor - 1, _plan.BlockFor, true));
            return effects;
        }
        _repairedOrTried.Add(spare.Endpoint);
        _repairsPending.Add(spare.Endpoint);
        effects.Add(new ReadEffect.SendRepair(spare.Endpoint, _resolution.ForAbsentReplica!));
        return effects;
    }

    /// <summary>The deadline passed: a ReadFailure if a replica answered with an error, else a ReadTimeout with the counts so far.</summary>
    public IReadOnlyList<ReadEffect> OnTimeout()
    {
        if (_phase is Phase.Done or Phase.NotStarted) return [];
        var effects = new List<ReadEffect>();
        Fail(effects, _tracker.ToFailure());
        return effects;
    }

    private NodeInfo? TakeNextCandidate()
    {
        var next = _plan.Candidates.FirstOrDefault(c => !_contacted.Contains(c.Endpoint));
        if (next is null) return null;
        _contacted.Add(next.Endpoint);
        _tracker.RecordContacted(next.Endpoint, forData: true);
        return next;
    }

    private void CheckRound(List<ReadEffect> effects)
    {
        if (_tracker.IsSatisfied) Compare(effects);
        // Failed for good: answer once every replica asked has answered, so the counts are what happened.
        else if (_tracker.IsFailed && !_tracker.Outstanding.Any()) Fail(effects, _tracker.ToFailure());
    }

    private void Compare(List<ReadEffect> effects)
    {
        var data = _answers.First(a => !a.Response.IsDigest);
        byte[] expected = data.Response.DigestOrCompute();
        if (_answers.All(a => a.Response.DigestOrCompute().AsSpan().SequenceEqual(expected)))
        {
            AnswerWith(effects, ReadResolver.Resolve(_query, [data.Response.ToReplicaResponse(data.Replica.Endpoint)], _nowSeconds));
            return;
        }
        effects.Add(new ReadEffect.DigestMismatch());
        _phase = Phase.Fetch;
        foreach (var (replica, response) in _answers)
        {
            if (response.IsDigest)
            {
                _fetched[replica.Endpoint] = null;
                _fetchesOutstanding++;
                effects.Add(new ReadEffect.FetchData(replica));
            }
            else
            {
                _fetched[replica.Endpoint] = response.ToReplicaResponse(replica.Endpoint);
            }
        }
        CheckFetch(effects);
    }

    private void CheckFetch(List<ReadEffect> effects)
    {
        if (_fetchesOutstanding > 0) return;
        if (_fetchErrors.Count > 0)
        {
            // A replica that sent a digest could not send its data: the read cannot be resolved without it (the digests
            // disagreed). Replicas that answered with an error make it a ReadFailure naming them; silence a timeout.
            var errors = _fetchErrors.Where(e => e.Value.Length > 0).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            int succeeded = _fetched.Count - _fetchErrors.Count;
            Fail(effects, errors.Count > 0
                ? new ReadFailureException(_plan.Consistency, succeeded, _plan.BlockFor, succeeded > 0, errors)
                : new ReadTimeoutException(_plan.Consistency, _plan.BlockFor - 1, _plan.BlockFor, true));
            return;
        }
        var resolution = ReadResolver.Resolve(_query, _fetched.Values.Select(r => r!).ToList(), _nowSeconds);
        _resolution = resolution;
        _phase = Phase.Repair;
        foreach (var (endpoint, repair) in resolution.Repairs)
        {
            _repairsPending.Add(endpoint);
            _repairedOrTried.Add(endpoint);
            effects.Add(new ReadEffect.SendRepair(endpoint, repair));
        }
        if (_repairsPending.Count == 0) AnswerWith(effects, resolution);
    }

    private void AnswerWith(List<ReadEffect> effects, ReadResolution resolution)
    {
        _phase = Phase.Done;
        effects.Add(new ReadEffect.Answer(resolution.VisibleRows, resolution.ResumeAfter, null));
    }

    private void Fail(List<ReadEffect> effects, Exception error)
    {
        _phase = Phase.Done;
        effects.Add(new ReadEffect.Answer([], null, error));
    }
}
