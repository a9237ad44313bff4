using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Responses of one read round (data and digests) against its consistency level. Done when blockFor
/// counted replicas answered and one of them sent data. Speculative and data-retry requests are added with
/// <see cref="RecordContacted"/>. Pure and not thread-safe: the caller locks.
/// </summary>
public sealed class ReadResponseTracker
{
    private readonly ReadPlan _plan;
    private readonly Dictionary<string, NodeInfo> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _contactedForData = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly ReplicaCounter _responses;

    public ReadResponseTracker(ReadPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        foreach (var c in plan.Candidates.Concat(plan.Contacts))
        {
            _known[c.Endpoint] = c;
        }
        _responses = new ReplicaCounter(plan.BlockFor, plan.BlockForByDatacenter, plan.CountsToward);
        for (int i = 0; i < plan.Contacts.Count; i++)
        {
            _contactedForData[plan.Contacts[i].Endpoint] = i == 0;
        }
    }

    public ConsistencyLevel Consistency => _plan.Consistency;

    public int BlockFor => _plan.BlockFor;

    public int Received => _responses.Received;

    public bool DataPresent { get; private set; }

    public bool IsSatisfied => DataPresent && _responses.IsMet;

    /// <summary>True once the level cannot be met by the requests still in flight.</summary>
    public bool IsFailed
    {
        get
        {
            if (IsSatisfied)
            {
                return false;
            }
            var outstanding = _contactedForData.Keys.Where(e => !_answered.Contains(e)).Select(e => _known[e]).ToList();
            bool dataPossible = DataPresent || outstanding.Any(o => _contactedForData[o.Endpoint]);
            return !dataPossible || !_responses.CanStillBeMet(outstanding);
        }
    }

    /// <summary>Replicas asked (initial contacts plus extras) that have not answered.</summary>
    public IEnumerable<NodeInfo> Outstanding =>
        _contactedForData.Keys.Where(e => !_answered.Contains(e)).Select(e => _known[e]);

    /// <summary>An extra request (speculative retry, or data asked of a digest replica); false if unknown.</summary>
    public bool RecordContacted(string endpoint, bool forData)
    {
        if (!_known.ContainsKey(endpoint))
        {
            return false;
        }
        _contactedForData[endpoint] = forData || _contactedForData.GetValueOrDefault(endpoint);
        return true;
    }

    /// <summary>Records one replica's answer; false when ignored (unknown, not asked, or already answered).</summary>
    public bool RecordResponse(string endpoint, bool isData)
    {
        if (!_contactedForData.ContainsKey(endpoint) || !_answered.Add(endpoint))
        {
            return false;
        }
        DataPresent |= isData;
        _responses.Add(_known[endpoint]);
        return true;
    }

    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    /// <summary>
    /// A replica will not answer: it answered with an error (<paramref name="error"/>: its reason, e.g. a corrupt
    /// SSTable or too many tombstones), or the messaging layer gave up on it (timeout, lost connection: null).
    /// </summary>
    public bool RecordFailure(string endpoint, string? error = null)
    {
        if (!_contactedForData.ContainsKey(endpoint) || !_answered.Add(endpoint)) return false;
        if (error is not null) _errors[endpoint] = error;
        return true;
    }

    /// <summary>Replicas that answered with an error, and the reason they gave.</summary>
    public IReadOnlyDictionary<string, string> Errors => _errors;

    /// <summary>
    /// Why the read failed (once <see cref="IsFailed"/>, or at the deadline): a ReadFailure when any replica answered
    /// with an error (the answers so far and each reason), else a ReadTimeout (replicas that did not answer).
    /// </summary>
    public Exception ToFailure() => _errors.Count > 0
        ? new ReadFailureException(_plan.Consistency, Received, BlockFor, DataPresent, new Dictionary<string, string>(_errors, StringComparer.Ordinal))
        : ToTimeoutException();

    public ReadTimeoutException ToTimeoutException() => new(_plan.Consistency, Received, BlockFor, DataPresent);
}
