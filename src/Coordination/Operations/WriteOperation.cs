using RingStore.Gossip.Ring;

namespace RingStore.Coordination.Operations;

/// <summary>
/// One coordinated partition write as a pure state machine: events in (start, replica ack, replica failure, hint
/// stored or not, timeout), effects out (store a hint, apply locally, send, arm the timer, answer the client). No
/// I/O, no clock, no threads: the node's <c>WriteCoordinator</c> drives it with real messaging and a TimeProvider
/// timer, the simulation drives the very same object on virtual time, so what the seeded runs check is the product.
/// Not thread-safe: the driver serializes events (a lock), and performs the returned effects outside it.
/// </summary>
/// <remarks>
/// The rules (Cassandra's StorageProxy.mutate, as the node has always done them):
/// - replicas planned down get a hint at once (hints count toward ANY only);
/// - every live target is sent the mutation, the local one applied straight to the engine;
/// - the client is answered once the level's acks are in (and, for a ONE write a local replica takes part in,
///   once the local copy is applied too: read-your-writes at ONE through the same coordinator); once the level can
///   no longer be met and every target has answered, with the failure (WriteFailure when a replica answered with
///   an error, else WriteTimeout); or at the timeout with what arrived so far;
/// - a target that fails or times out is hinted even after the client has its answer, so it converges later.
/// </remarks>
public sealed class WriteOperation
{
    private readonly WritePlan _plan;
    private readonly string _localEndpoint;
    private readonly TimeSpan _timeout;
    private readonly WriteResponseTracker _tracker;
    // Created on first use: almost every write has no failed or down replica (one operation per write).
    private Dictionary<string, string?>? _failedAwaitingHint;
    private HashSet<string>? _downAwaitingHint;
    private bool _localDone;
    private bool _started;

    /// <param name="plan">Targets, down replicas and blockFor, from <see cref="ReplicaPlanner.PlanWrite"/>.</param>
    /// <param name="localEndpoint">This node's endpoint: a target with it is applied locally, not sent.</param>
    /// <param name="waitForLocal">Answer a satisfied write only once the local copy is applied (ONE / LOCAL_ONE).</param>
    /// <param name="timeout">The write timeout, from <see cref="Start"/>'s time.</param>
    public WriteOperation(WritePlan plan, string localEndpoint, bool waitForLocal, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        _localEndpoint = localEndpoint;
        _timeout = timeout;
        _tracker = new WriteResponseTracker(plan);
        _localDone = !(waitForLocal && IsTarget(plan, localEndpoint));
    }

    private static bool IsTarget(WritePlan plan, string endpoint)
    {
        foreach (var target in plan.Targets)
            if (target.Endpoint == endpoint) return true;
        return false;
    }

    /// <summary>Whether the client has been answered.</summary>
    public bool Answered { get; private set; }

    /// <summary>The client's answer once <see cref="Answered"/>: null for success.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Hints, sends and local apply for every replica, the timer, and an answer if nothing needs waiting for.</summary>
    public IReadOnlyList<WriteEffect> Start(TimeSpan now)
    {
        if (_started) throw new InvalidOperationException("A write operation starts once.");
        _started = true;
        var effects = new List<WriteEffect>(_plan.Down.Count + _plan.Targets.Count + 2);
        foreach (var replica in _plan.Down)
        {
            (_downAwaitingHint ??= new(StringComparer.Ordinal)).Add(replica.Endpoint);
            effects.Add(new WriteEffect.StoreHint(replica));
        }
        foreach (var replica in _plan.Targets)
        {
            effects.Add(replica.Endpoint == _localEndpoint
                ? new WriteEffect.ApplyLocally(replica)
                : new WriteEffect.SendMutation(replica));
        }
        effects.Add(new WriteEffect.ArmTimeout(now + _timeout));
        Decide(effects);
        return effects;
    }

    /// <summary>A target acknowledged (the local engine applied, or a replica answered).</summary>
    public IReadOnlyList<WriteEffect> OnAck(string endpoint)
    {
        if (_tracker.RecordAck(endpoint) && endpoint == _localEndpoint) _localDone = true;
        return Decided();
    }

    /// <summary>
    /// A target will not acknowledge: <paramref name="error"/> is its error answer (disk full, I/O error), null for a
    /// timeout or a lost connection. A remote target is hinted and its failure counts once the hint attempt is over,
    /// so that for ANY a stored hint is counted before the write could be judged failed; the local one counts at once.
    /// </summary>
    public IReadOnlyList<WriteEffect> OnFailure(string endpoint, string? error)
    {
        var target = _plan.Targets.FirstOrDefault(t => t.Endpoint == endpoint);
        if (target is null || (_failedAwaitingHint?.ContainsKey(endpoint) ?? false) || !_tracker.Outstanding.Any(t => t.Endpoint == endpoint))
            return [];
        if (endpoint == _localEndpoint)
        {
            // This node's own engine failed: no hint to itself (its commit log is what failed); counted at once.
            _tracker.RecordFailure(endpoint, error);
            _localDone = true;
            return Decided();
        }
        (_failedAwaitingHint ??= new(StringComparer.Ordinal))[endpoint] = error;
        return [new WriteEffect.StoreHint(target)];
    }

    /// <summary>The hint for a replica was stored durably (<paramref name="stored"/>) or not (policy, window, error).</summary>
    public IReadOnlyList<WriteEffect> OnHintResult(string endpoint, bool stored)
    {
        if (_failedAwaitingHint is not null && _failedAwaitingHint.Remove(endpoint, out string? error)) _tracker.RecordFailure(endpoint, error);
        _downAwaitingHint?.Remove(endpoint);
        if (stored) _tracker.RecordHint(endpoint);
        return Decided();
    }

    /// <summary>The write timeout passed: answer with what arrived (a failure if one is already certain).</summary>
    public IReadOnlyList<WriteEffect> OnTimeout()
    {
        if (Answered) return [];
        return [Answer(_tracker.IsFailed ? _tracker.ToFailure() : _tracker.ToTimeoutException())];
    }

    /// <summary>
    /// The effects of an ack, failure or hint result: none (a shared empty list, as for most acks of a write) or the
    /// answer, so the common event allocates nothing.
    /// </summary>
    private IReadOnlyList<WriteEffect> Decided()
    {
        if (Answered) return [];
        if (_tracker.IsSatisfied && _localDone) return [Answer(null)];
        if (IsFailedForGood()) return [Answer(_tracker.ToFailure())];
        return [];
    }

    private void Decide(List<WriteEffect> effects)
    {
        if (Answered) return;
        if (_tracker.IsSatisfied && _localDone) effects.Add(Answer(null));
        else if (IsFailedForGood()) effects.Add(Answer(_tracker.ToFailure()));
    }

    /// <summary>
    /// Failed for good: answer once every target has answered and every hint attempt is over (so the counts are what
    /// happened, and ANY counts a hint still being stored), or at the timeout.
    /// </summary>
    private bool IsFailedForGood() =>
        _tracker.IsFailed && !_tracker.Outstanding.Any() && (_failedAwaitingHint?.Count ?? 0) == 0 && (_downAwaitingHint?.Count ?? 0) == 0;

    private WriteEffect.Answer Answer(Exception? error)
    {
        Answered = true;
        Error = error;
        return error is null ? WriteEffect.Answer.Success : new WriteEffect.Answer(error);
    }
}
