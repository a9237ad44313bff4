using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Acks of one write against its consistency level. Pure and not thread-safe: the coordinator calls it under
/// its own lock from the response handlers. Each replica answers once (a duplicated or late second answer is
/// ignored); acks and failures count only from the plan's targets (a replica planned as down was sent nothing). Hints count only for ANY, as in Cassandra:
/// a hint is a promise to deliver later, not a replica that has the data.
/// </summary>
public sealed class WriteResponseTracker
{
    private readonly WritePlan _plan;
    private readonly Dictionary<string, NodeInfo> _targets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _replicas = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hinted = new(StringComparer.Ordinal);
    private readonly ReplicaCounter _acks;

    public WriteResponseTracker(WritePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        foreach (var r in plan.Targets)
        {
            _targets[r.Endpoint] = r;
        }
        _replicas.UnionWith(plan.Targets.Concat(plan.Down).Select(r => r.Endpoint));
        _acks = new ReplicaCounter(plan.BlockFor, plan.BlockForByDatacenter, plan.CountsToward);
    }

    public ConsistencyLevel Consistency => _plan.Consistency;

    public int BlockFor => _plan.BlockFor;

    /// <summary>Acks counting toward the level; for ANY, acks plus hints.</summary>
    public int Received => _plan.Consistency == ConsistencyLevel.Any ? AckCount + _hinted.Count : _acks.Received;

    /// <summary>Every ack, counted toward the level or not.</summary>
    public int AckCount { get; private set; }

    public bool IsSatisfied => _plan.Consistency == ConsistencyLevel.Any
        ? AckCount + _hinted.Count >= 1
        : _acks.IsMet;

    /// <summary>True once the level cannot be met any more (too many replicas failed); the write has failed.</summary>
    public bool IsFailed => !IsSatisfied && (_plan.Consistency == ConsistencyLevel.Any
        ? !Outstanding.Any()
        : !_acks.CanStillBeMet(Outstanding));

    /// <summary>Targets that have neither acked nor failed: on timeout the coordinator hints them.</summary>
    public IEnumerable<NodeInfo> Outstanding => _plan.Targets.Where(t => !_answered.Contains(t.Endpoint));

    /// <summary>Records an ack; returns false when it was ignored (unknown endpoint or already answered).</summary>
    public bool RecordAck(string endpoint)
    {
        if (!_targets.TryGetValue(endpoint, out var replica) || !_answered.Add(endpoint))
        {
            return false;
        }
        AckCount++;
        _acks.Add(replica);
        return true;
    }

    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    /// <summary>
    /// A replica will not acknowledge: it answered with an error (<paramref name="error"/> says which), or the
    /// messaging layer gave up on it (timeout, lost connection: <paramref name="error"/> null).
    /// </summary>
    public bool RecordFailure(string endpoint, string? error = null)
    {
        if (!_targets.ContainsKey(endpoint) || !_answered.Add(endpoint)) return false;
        if (error is not null) _errors[endpoint] = error;
        return true;
    }

    /// <summary>Replicas that answered with an error, and the error.</summary>
    public IReadOnlyDictionary<string, string> Errors => _errors;

    /// <summary>
    /// Why the write failed once <see cref="IsFailed"/>: a WriteFailure when any replica answered with an error
    /// (the acks so far and each error), else a WriteTimeout (replicas that did not answer).
    /// </summary>
    public Exception ToFailure() => _errors.Count > 0
        ? new WriteFailureException(_plan.Consistency, Received, BlockFor, new Dictionary<string, string>(_errors, StringComparer.Ordinal))
        : ToTimeoutException();

    /// <summary>A hint was stored durably for this replica (counts toward ANY only).</summary>
    public bool RecordHint(string endpoint) => _replicas.Contains(endpoint) && _hinted.Add(endpoint);

    public WriteTimeoutException ToTimeoutException() => new(_plan.Consistency, Received, BlockFor);
}
