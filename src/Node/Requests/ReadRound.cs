using RingStore.Node.Coordination;

namespace RingStore.Node.Requests;

/// <summary>
/// The answers to one read round, guarded by one lock: feeds the pure <see cref="ReadResponseTracker"/> and
/// completes <see cref="Completion"/> once the consistency level is met with data present, or fails it with a
/// ReadTimeout once it no longer can be.
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

    /// <summary>A replica refused the read (a guardrail): the round fails with that error once the level can no longer be met.</summary>
    public void Refuse(string endpoint, Exception refusal)
    {
        lock (_tracker)
        {
            _refusal ??= refusal;
            _tracker.RecordFailure(endpoint);
            Check();
        }
    }

    private Exception? _refusal;

    public void Fail(string endpoint)
    {
        lock (_tracker)
        {
            _tracker.RecordFailure(endpoint);
            Check();
        }
    }

    /// <summary>The answers so far (call after <see cref="Completion"/>): at least one carries data.</summary>
    public IReadOnlyList<(string Endpoint, ReadResponseMessage Response)> Snapshot()
    {
        lock (_tracker) return _answers.ToArray();
    }

    public Core.Errors.ReadTimeoutException Timeout()
    {
        lock (_tracker) return _tracker.ToTimeoutException();
    }

    private void Check()
    {
        if (_tracker.IsSatisfied) _done.TrySetResult();
        else if (_tracker.IsFailed) _done.TrySetException(_refusal ?? _tracker.ToTimeoutException());
    }
}
