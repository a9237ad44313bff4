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
    private static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>(StringComparer.Ordinal);

    private readonly WritePlan _plan;

    /// <summary>By position in the plan's targets: a write has a handful, so a linear scan replaces the sets and maps (one tracker per write).</summary>
    private readonly bool[] _answered;
    private HashSet<string>? _hinted;
    private Dictionary<string, string>? _errors;
    private readonly ReplicaCounter _acks;

    public WriteResponseTracker(WritePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        _answered = new bool[plan.Targets.Count];
        _acks = new ReplicaCounter(plan.BlockFor, plan.BlockForByDatacenter, plan.CountsToward);
    }

    public ConsistencyLevel Consistency => _plan.Consistency;

    public int BlockFor => _plan.BlockFor;

    private int Hints => _hinted?.Count ?? 0;

    /// <summary>Acks counting toward the level; for ANY, acks plus hints.</summary>
    public int Received => _plan.Consistency == ConsistencyLevel.Any ? AckCount + Hints : _acks.Received;

    /// <summary>Every ack, counted toward the level or not.</summary>
    public int AckCount { get; private set; }

    public bool IsSatisfied => _plan.Consistency == ConsistencyLevel.Any
        ? AckCount + Hints >= 1
        : _acks.IsMet;

    /// <summary>True once the level cannot be met any more (too many replicas failed); the write has failed.</summary>
    public bool IsFailed
    {
        get
        {
            if (IsSatisfied) return false;
            if (_plan.Consistency == ConsistencyLevel.Any) return Array.IndexOf(_answered, false) < 0;
            if (_plan.BlockForByDatacenter.Count > 0) return !_acks.CanStillBeMet(Outstanding);
            int counted = 0;
            for (int i = 0; i < _answered.Length; i++)
                if (!_answered[i] && _plan.CountsToward(_plan.Targets[i])) counted++;
            return !_acks.CanStillBeMet(counted);
        }
    }

    /// <summary>Targets that have neither acked nor failed: on timeout the coordinator hints them.</summary>
    public IEnumerable<NodeInfo> Outstanding => _plan.Targets.Where((_, i) => !_answered[i]);

    /// <summary>Records an ack; returns false when it was ignored (unknown endpoint or already answered).</summary>
    public bool RecordAck(string endpoint)
    {
        int target = TargetIndex(endpoint);
        if (target < 0 || _answered[target])
        {
            return false;
        }
        _answered[target] = true;
        AckCount++;
        _acks.Add(_plan.Targets[target]);
        return true;
    }

    /// <summary>
    /// A replica will not acknowledge: it answered with an error (<paramref name="error"/> says which), or the
    /// messaging layer gave up on it (timeout, lost connection: <paramref name="error"/> null).
    /// </summary>
    public bool RecordFailure(string endpoint, string? error = null)
    {
        int target = TargetIndex(endpoint);
        if (target < 0 || _answered[target]) return false;
        _answered[target] = true;
        if (error is not null) (_errors ??= new(StringComparer.Ordinal))[endpoint] = error;
        return true;
    }

    /// <summary>Replicas that answered with an error, and the error.</summary>
    public IReadOnlyDictionary<string, string> Errors => (IReadOnlyDictionary<string, string>?)_errors ?? NoErrors;

    /// <summary>
    /// Why the write failed once <see cref="IsFailed"/>: a WriteFailure when any replica answered with an error
    /// (the acks so far and each error), else a WriteTimeout (replicas that did not answer).
    /// </summary>
    public Exception ToFailure() => _errors is { Count: > 0 } errors
        ? new WriteFailureException(_plan.Consistency, Received, BlockFor, new Dictionary<string, string>(errors, StringComparer.Ordinal))
        : ToTimeoutException();

    /// <summary>A hint was stored durably for this replica (counts toward ANY only).</summary>
    public bool RecordHint(string endpoint) =>
        (TargetIndex(endpoint) >= 0 || IsDown(endpoint)) && (_hinted ??= new(StringComparer.Ordinal)).Add(endpoint);

    public WriteTimeoutException ToTimeoutException() => new(_plan.Consistency, Received, BlockFor);

    private int TargetIndex(string endpoint)
    {
        var targets = _plan.Targets;
        for (int i = 0; i < targets.Count; i++)
            if (string.Equals(targets[i].Endpoint, endpoint, StringComparison.Ordinal)) return i;
        return -1;
    }

    private bool IsDown(string endpoint)
    {
        foreach (var replica in _plan.Down)
            if (string.Equals(replica.Endpoint, endpoint, StringComparison.Ordinal)) return true;
        return false;
    }
}
