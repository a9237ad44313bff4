namespace RingStore.Simulation;

/// <summary>Single-threaded virtual-time scheduler: actions run in (time, insertion) order, so a seed replays exactly.</summary>
public sealed class SimScheduler
{
    private readonly PriorityQueue<Action, (long Ticks, long Sequence)> _queue = new();
    private long _sequence;

    public TimeSpan Now { get; private set; }

    public long EventsRun { get; private set; }

    public void After(TimeSpan delay, Action action) => At(Now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay), action);

    public void At(TimeSpan at, Action action) => _queue.Enqueue(action, ((at < Now ? Now : at).Ticks, _sequence++));

    public void RunUntil(TimeSpan end)
    {
        while (_queue.TryPeek(out _, out var at) && at.Ticks <= end.Ticks)
        {
            var action = _queue.Dequeue();
            Now = TimeSpan.FromTicks(at.Ticks);
            EventsRun++;
            action();
        }
        Now = end;
    }
}
