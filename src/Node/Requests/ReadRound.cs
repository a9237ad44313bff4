using RingStore.Coordination;

namespace RingStore.Node.Requests;

/// <summary>
/// The answers to one read round, guarded by one lock: feeds the pure <see cref="ReadResponseTracker"/> and
/// completes <see cref="Completion"/> once the consistency level is met with data present, or fails it once it no
/// longer can be and every replica asked has answered (so the counts are what happened): a ReadFailure when a replica
/// answered with an error, else a ReadTimeout. The coordinator's deadline ends a round whose replicas never answer.
/// </summary>
internal sealed class ReadRound
{
    private readonly ReadResponseTracker _tracker;
    private readonly ReadPlan _plan;
    private readonly HashSet<string> _contacted;
    private readonly List<(string Endpoint, ReadResponseMessage Response)> _answers = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReadRound(ReadPlan plan)
    {
        _plan = plan;
        _tracker = new ReadResponseTracker(plan);
        _contacted = new HashSet<string>(plan.Contacts.Select(c => c.Endpoint), StringComparer.Ordinal);
    }

    public Task Completion => _done.Task;

    /// <summary>
    /// The best live replica not asked yet, now recorded as asked for data (for a speculative retry or to replace
    /// a replica that failed); null when every candidate has been asked.
    /// </summary>
    public Gossip.Ring.NodeInfo? TryTakeNextCandidate()
    {
        lock (_tracker)
        {
            var next = _plan.Candidates.FirstOrDefault(c => !_contacted.Contains(c.Endpoint));
            if (next is null) return null;
            _contacted.Add(next.Endpoint);
            _tracker.RecordContacted(next.Endpoint, forData: true);
            return next;
        }
    }

    public void Answer(string endpoint, ReadResponseMessage response)
    {
        lock (_tracker)
        {
            if (!_tracker.RecordResponse(endpoint, !response.IsDigest)) return;
            _answers.Add((endpoint, response));
            Check();
        }
    }

    /// <summary>
    /// A replica refused the read (a guardrail, e.g. tombstone overwhelm): a failure with its reason, so the read ends as a
    /// ReadFailure naming it. The coordinator asks no other replica instead: it would hold the same tombstones.
    /// </summary>
    public void Refuse(string endpoint, Exception refusal) => Fail(endpoint, refusal.Message);

    /// <summary>A replica failed: <paramref name="error"/> is its reason when it answered with an error, null when it did not answer.</summary>
    public void Fail(string endpoint, string? error = null)
    {
        lock (_tracker)
        {
            _tracker.RecordFailure(endpoint, error);
            Check();
        }
    }

    /// <summary>The answers so far (call after <see cref="Completion"/>): at least one carries data.</summary>
    public IReadOnlyList<(string Endpoint, ReadResponseMessage Response)> Snapshot()
    {
        lock (_tracker) return _answers.ToArray();
    }

    /// <summary>What the round ended with at the deadline: a ReadFailure if a replica answered with an error, else a ReadTimeout, with the counts so far.</summary>
    public Exception Failure()
    {
        lock (_tracker) return _tracker.ToFailure();
    }

    private void Check()
    {
        if (_tracker.IsSatisfied) _done.TrySetResult();
        else if (_tracker.IsFailed && !_tracker.Outstanding.Any()) _done.TrySetException(_tracker.ToFailure());
    }
}
