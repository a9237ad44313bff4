namespace RingStore.Storage.CommitLog;

/// <summary>
/// When the commit log may try to start a new generation after the current one failed, on an injected clock.
///
/// Why retry on demand rather than a background prober: the commit log only needs a working generation when someone
/// writes, so the next append after a failure attempts it (no extra thread, nothing happens on an idle node), and the
/// attempt itself is the probe (a new FasterLog whose first commit must succeed). Why a backoff: while the disk is
/// still full every attempt costs a directory, a FasterLog and an fsync, and writes arrive many times a second; and a
/// new generation can pass its probe (a few bytes of metadata fit) and then fail its first real commit, so attempts
/// are spaced out, doubling from <c>first</c> up to <c>max</c>, until a generation commits data. Then the schedule
/// starts over, so a later, unrelated failure is retried at once.
/// </summary>
internal sealed class GenerationRetry
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _first;
    private readonly TimeSpan _max;
    private long _nextAttempt = long.MinValue; // TimeProvider timestamp; MinValue = an attempt is allowed now
    private TimeSpan _delay;

    public GenerationRetry(TimeProvider time, TimeSpan first, TimeSpan max)
    {
        _time = time;
        _first = first;
        _max = max;
        _delay = first;
    }

    /// <summary>Whether an attempt may be made now; if so, records it and schedules the next one after the current delay.</summary>
    public bool TryBeginAttempt()
    {
        long now = _time.GetTimestamp();
        if (_nextAttempt != long.MinValue && now < _nextAttempt)
            return false;
        _nextAttempt = now + (long)(_delay.TotalSeconds * _time.TimestampFrequency);
        _delay = _delay * 2 > _max ? _max : _delay * 2;
        return true;
    }

    /// <summary>A generation committed data: the disk works again, so the next failure is retried at once.</summary>
    public void Reset()
    {
        _nextAttempt = long.MinValue;
        _delay = _first;
    }
}
