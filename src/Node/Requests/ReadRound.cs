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
    private readonly List<(string Endpoint, ReadResponseMessage Response)> _answers = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReadRound(ReadPlan plan) => _tracker = new ReadResponseTracker(plan);

    public Task Completion => _done.Task;

    public void AddContact(string endpoint, bool forData)
    {
        lock (_tracker) _tracker.RecordContacted(endpoint, forData);
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
        else if (_tracker.IsFailed) _done.TrySetException(_tracker.ToTimeoutException());
    }
}
