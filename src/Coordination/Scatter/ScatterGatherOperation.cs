namespace RingStore.Coordination.Scatter;

/// <summary>
/// A scatter-gather scan over token ranges as a pure state machine: which ranges to read now (bounded, adaptive
/// concurrency), when a slow range gets a hedged attempt on another replica, when a range is out of budget, and in
/// which order results may be consumed (token order, so paging stays a single position). Events in: start, an
/// attempt's answer (rows it returned, whether it stopped at the row limit) or failure, a timer; effects out:
/// launch / cancel an attempt, deliver / skip a range, a latency sample, arm the timer, complete or fail exactly once.
/// No I/O, clock or threads: times come in as <see cref="TimeSpan"/> offsets of the driver's TimeProvider. Not
/// thread-safe: the driver serializes events.
/// </summary>
/// <remarks>
/// A range ends Done (an attempt answered), Missing (both attempts failed or its budget ran out, with partial results
/// allowed) or Failed (the same without: the scan fails). A failed attempt 0 is retried at once as attempt 1 (when the
/// error is retryable); a slow one gets attempt 1 beside it at the hedge delay; the first answer wins and the other
/// is cancelled. With a row limit, the scan completes as soon as the ranges delivered in order hold the limit or one
/// of them stopped at it (a range that stopped early hides what came after it); later ranges are cancelled.
/// </remarks>
public sealed class ScatterGatherOperation
{
    private enum State : byte { Pending, Running, Done, Missing }

    private sealed class Slot
    {
        public State State;
        public TimeSpan LaunchedAt;
        public readonly TimeSpan?[] Attempts = new TimeSpan?[2]; // launch time of each running attempt
        public bool SecondUsed;
        public long Rows;
        public bool LimitCut;
        public Exception? LastError;
    }

    private readonly IReadOnlyList<ScatterRange> _ranges;
    private readonly ScatterOptions _options;
    private readonly long? _limit;
    private readonly Slot[] _slots;
    private bool _started, _finished;
    private int _next;          // the next range to launch
    private int _prefix;        // ranges [0, _prefix) delivered or skipped
    private long _prefixRows;   // rows of the delivered prefix
    private int _running;
    private int _finishedRanges;
    private long _finishedRows;
    private TimeSpan? _armed;
    private TimeSpan _startedAt;

    /// <param name="ranges">The scan's ranges in token order (their Index must be 0, 1, ...).</param>
    /// <param name="limit">The rows the scan needs (a page), or null when every range is needed (an aggregate).</param>
    public ScatterGatherOperation(IReadOnlyList<ScatterRange> ranges, ScatterOptions options, long? limit)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(options);
        for (int i = 0; i < ranges.Count; i++)
            if (ranges[i].Index != i) throw new ArgumentException($"range {i} has index {ranges[i].Index}", nameof(ranges));
        if (limit is <= 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "must be positive");
        _ranges = ranges;
        _options = options.Validate();
        _limit = limit;
        _slots = ranges.Select(_ => new Slot()).ToArray();
    }

    /// <summary>Whether the scan completed or failed.</summary>
    public bool Finished => _finished;

    /// <summary>Ranges in flight now (for tests and metrics).</summary>
    public int Running => _running;

    public IReadOnlyList<ScatterEffect> Start(TimeSpan now)
    {
        if (_started) throw new InvalidOperationException("A scatter-gather operation starts once.");
        _started = true;
        _startedAt = now;
        var effects = new List<ScatterEffect>();
        Advance(effects, now);
        return effects;
    }

    /// <summary>An attempt answered: <paramref name="rows"/> rows (after filters), <paramref name="limitCut"/> when it
    /// stopped at the row limit before the end of its range.</summary>
    public IReadOnlyList<ScatterEffect> OnAttemptDone(int range, int attempt, long rows, bool limitCut, TimeSpan now)
    {
        if (!IsRunning(range, attempt, out var slot)) return [];
        var effects = new List<ScatterEffect> { new ScatterEffect.Latency(now - slot.Attempts[attempt]!.Value) };
        slot.Attempts[attempt] = null;
        CancelOthers(range, slot, effects);
        slot.State = State.Done;
        slot.Rows = rows;
        slot.LimitCut = limitCut;
        _running--;
        _finishedRanges++;
        _finishedRows += rows;
        Advance(effects, now);
        return effects;
    }

    /// <summary>An attempt failed with <paramref name="error"/> (null: no answer). A <paramref name="retryable"/> failure
    /// of the first attempt is retried on another replica; otherwise (or once both failed) the range is lost.</summary>
    public IReadOnlyList<ScatterEffect> OnAttemptFailed(int range, int attempt, Exception? error, bool retryable, TimeSpan now)
    {
        if (!IsRunning(range, attempt, out var slot)) return [];
        slot.Attempts[attempt] = null;
        slot.LastError = error ?? slot.LastError;
        var effects = new List<ScatterEffect>();
        if (slot.Attempts.Any(a => a is not null))
        {
            if (!retryable) Lose(range, slot, effects); // e.g. a guardrail refusal: the other replica would refuse as well
            else return effects;                        // the other attempt may still answer
        }
        else if (retryable && !slot.SecondUsed)
        {
            slot.SecondUsed = true;
            slot.Attempts[1] = now;
            effects.Add(new ScatterEffect.Launch(_ranges[range], 1));
        }
        else
        {
            Lose(range, slot, effects);
        }
        Advance(effects, now);
        return effects;
    }

    /// <summary>The timer asked for by ArmTimer fired (early or late calls are harmless).</summary>
    public IReadOnlyList<ScatterEffect> OnTimer(TimeSpan now)
    {
        if (!_started || _finished) return [];
        _armed = null;
        var effects = new List<ScatterEffect>();
        for (int i = _prefix; i < _next && !_finished; i++)
        {
            var slot = _slots[i];
            if (slot.State != State.Running) continue;
            if (now >= Deadline(slot))
            {
                slot.LastError = null; // out of budget: a timeout, whatever failed before
                Lose(i, slot, effects);
            }
            else if (!slot.SecondUsed && now >= slot.LaunchedAt + _options.HedgeDelay)
            {
                slot.SecondUsed = true;
                slot.Attempts[1] = now;
                effects.Add(new ScatterEffect.Launch(_ranges[i], 1));
            }
        }
        Advance(effects, now);
        return effects;
    }

    /// <summary>A range's end: its own budget, or the scan's when that comes first.</summary>
    private TimeSpan Deadline(Slot slot)
    {
        var own = slot.LaunchedAt + _options.RangeBudget;
        return _options.ScanBudget is { } scan && _startedAt + scan < own ? _startedAt + scan : own;
    }

    private bool IsRunning(int range, int attempt, out Slot slot)
    {
        slot = null!;
        if (_finished || range < 0 || range >= _slots.Length || attempt is < 0 or > 1) return false;
        slot = _slots[range];
        return slot.State == State.Running && slot.Attempts[attempt] is not null;
    }

    private void CancelOthers(int range, Slot slot, List<ScatterEffect> effects)
    {
        for (int a = 0; a < slot.Attempts.Length; a++)
        {
            if (slot.Attempts[a] is null) continue;
            slot.Attempts[a] = null;
            effects.Add(new ScatterEffect.Cancel(_ranges[range], a));
        }
    }

    /// <summary>A range that cannot be read: missing from a partial answer, or the end of an all-or-error scan.</summary>
    private void Lose(int range, Slot slot, List<ScatterEffect> effects)
    {
        CancelOthers(range, slot, effects);
        _running--;
        if (_options.AllowPartial)
        {
            slot.State = State.Missing;
            _finishedRanges++;
            return;
        }
        slot.State = State.Missing;
        Finish(effects);
        effects.Add(new ScatterEffect.Fail(_ranges[range], slot.LastError));
    }

    /// <summary>Deliver what is contiguous, stop at the limit, launch up to the concurrency, arm the timer.</summary>
    private void Advance(List<ScatterEffect> effects, TimeSpan now)
    {
        if (_finished) return;
        while (_prefix < _slots.Length && _slots[_prefix].State is State.Done or State.Missing)
        {
            var slot = _slots[_prefix];
            if (slot.State == State.Missing)
            {
                effects.Add(new ScatterEffect.Skip(_ranges[_prefix], slot.LastError));
                _prefix++;
                continue;
            }
            effects.Add(new ScatterEffect.Deliver(_ranges[_prefix]));
            _prefix++;
            _prefixRows += slot.Rows;
            if (_limit is { } l && (slot.LimitCut || _prefixRows >= l))
            {
                Finish(effects);
                effects.Add(new ScatterEffect.Complete(true));
                return;
            }
        }
        if (_prefix == _slots.Length)
        {
            Finish(effects);
            effects.Add(new ScatterEffect.Complete(false));
            return;
        }
        if (_options.ScanBudget is { } budget && now >= _startedAt + budget && _next < _slots.Length)
        {
            // Out of scan budget: the ranges not started are missing too (partial results only), in order. Only while
            // some are left to mark: with every range started and one still running (its deadline, capped by the scan
            // budget, ends it on the next timer) a second pass would change nothing and recursed until the stack overflowed.
            for (int i = _next; i < _slots.Length; i++) _slots[i].State = State.Missing;
            _finishedRanges += _slots.Length - _next;
            _next = _slots.Length;
            Advance(effects, now);
            return;
        }
        int target = ConcurrencyEstimator.Estimate(_limit, _options.MaxConcurrency, _options.InitialConcurrency, _finishedRanges, _finishedRows);
        while (_running < target && _next < _slots.Length)
        {
            var slot = _slots[_next];
            slot.State = State.Running;
            slot.LaunchedAt = now;
            slot.Attempts[0] = now;
            _running++;
            effects.Add(new ScatterEffect.Launch(_ranges[_next], 0));
            _next++;
        }
        ArmEarliest(effects);
    }

    private void ArmEarliest(List<ScatterEffect> effects)
    {
        TimeSpan? earliest = null;
        for (int i = _prefix; i < _next; i++)
        {
            var slot = _slots[i];
            if (slot.State != State.Running) continue;
            var deadline = Deadline(slot);
            var hedgeAt = slot.LaunchedAt + _options.HedgeDelay;
            var due = slot.SecondUsed || hedgeAt > deadline ? deadline : hedgeAt;
            if (earliest is null || due < earliest) earliest = due;
        }
        // Ranges wait to start: the scan's budget ends them too.
        if (_next < _slots.Length && _options.ScanBudget is { } scan && (earliest is null || _startedAt + scan < earliest)) earliest = _startedAt + scan;
        if (earliest == _armed) return;
        _armed = earliest;
        effects.Add(new ScatterEffect.ArmTimer(earliest));
    }

    /// <summary>Ends the scan: every running attempt is cancelled, no timer is needed any more.</summary>
    private void Finish(List<ScatterEffect> effects)
    {
        _finished = true;
        for (int i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[i];
            if (slot.State != State.Running) continue;
            CancelOthers(i, slot, effects);
            slot.State = State.Pending;
            _running--;
        }
        if (_armed is not null) effects.Add(new ScatterEffect.ArmTimer(null));
        _armed = null;
    }
}
