namespace RingStore.Node.Messaging;

/// <summary>
/// Something with a deadline on a <see cref="DeadlineWheel"/>. The wheel links entries through these fields instead
/// of allocating a node per registration, so registering and unregistering allocate nothing; an entry is on at most
/// one wheel at a time.
/// </summary>
internal abstract class DeadlineEntry
{
    internal DeadlineEntry? WheelNext;
    internal DeadlineEntry? WheelPrevious;
    internal DeadlineWheel? Wheel;
    internal long WheelDueTick;
    internal long WheelTicket;

    /// <summary>
    /// The deadline passed. Called once per registration, on the wheel's timer thread, outside the wheel's lock, with the
    /// ticket given to <see cref="DeadlineWheel.Register"/>: an entry that is reused (pooled) after its registration
    /// ended compares it with its current one, since the wheel may have taken it for firing just before it was reused.
    /// Must be short and must not throw.
    /// </summary>
    protected internal abstract void OnDeadline(long ticket);
}

/// <summary>
/// One timer for many deadlines: a hashed timing wheel. Deadlines are rounded up to the next tick of
/// <see cref="Resolution"/>, so one fires no earlier than asked and at most one resolution (plus the timer's own
/// lateness) after. The timer runs only while something is registered. Register and unregister are O(1) under one short
/// lock and allocate nothing, which is what request deadlines need: nearly all are unregistered (the answer came) long
/// before they are due, and a <see cref="ITimer"/> per request costs an allocation and a timer-queue insert and removal.
/// </summary>
/// <remarks>
/// Slot <c>t % slots</c> holds the entries due at tick t, t + slots, ...; a tick walks the slots of every tick since the
/// last one (all of them when the timer fell more than a revolution behind) and fires the entries whose due tick passed.
/// Ticks count from the wheel's creation on the injected <see cref="TimeProvider"/>, so a test drives it with a fake one.
/// </remarks>
internal sealed class DeadlineWheel : IDisposable
{
    /// <summary>
    /// 20 ms: request deadlines are seconds (write 2 s, internode requests 2-10 s), so a deadline fires at most ~1 % late,
    /// and a wheel with work wakes 50 times a second, which costs nothing next to the thousands of requests it serves.
    /// </summary>
    public static readonly TimeSpan DefaultResolution = TimeSpan.FromMilliseconds(20);

    private const int SlotCount = 512; // 10.24 s per revolution at 20 ms: most deadlines need no second look
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _tickLength; // in TimeProvider timestamp units
    private readonly DeadlineEntry?[] _slots = new DeadlineEntry?[SlotCount];
    private readonly object _lock = new();
    private readonly List<(DeadlineEntry Entry, long Ticket)> _firing = [];
    private ITimer? _timer;
    private bool _armed;
    private long _processedTick; // every entry due at or before this tick has been taken out
    private int _count;
    private int _ticking;
    private bool _disposed;

    public DeadlineWheel(TimeProvider time, TimeSpan? resolution = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var step = resolution ?? DefaultResolution;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        _time = time;
        Resolution = step;
        _origin = time.GetTimestamp();
        _tickLength = Math.Max(1, (long)(step.Ticks * (double)time.TimestampFrequency / TimeSpan.TicksPerSecond));
    }

    public TimeSpan Resolution { get; }

    /// <summary>Entries registered and not yet fired or unregistered.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    /// <summary>
    /// Calls <paramref name="entry"/>'s <see cref="DeadlineEntry.OnDeadline"/> with <paramref name="ticket"/> once
    /// <paramref name="after"/> has passed, unless it is unregistered first. An infinite (negative) span registers
    /// nothing. Throws if the entry is already registered.
    /// </summary>
    public void Register(DeadlineEntry entry, TimeSpan after, long ticket)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (after < TimeSpan.Zero) return;
        // Rounded up: a deadline between two ticks fires at the later one, never early. Capped far out (a span of years
        // would overflow the timestamp arithmetic and is "never" for a request anyway).
        double span = Math.Min(after.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond, long.MaxValue / 4.0);
        long dueAt = _time.GetTimestamp() - _origin + (long)span;
        long dueTick = (dueAt + _tickLength - 1) / _tickLength;
        lock (_lock)
        {
            if (entry.Wheel is not null) throw new InvalidOperationException("The entry is already registered on a wheel.");
            // A tick that already ran past it (a zero span, or a tick that ran late) fires it at the next tick.
            dueTick = Math.Max(dueTick, _processedTick + 1);
            entry.Wheel = this;
            entry.WheelDueTick = dueTick;
            entry.WheelTicket = ticket;
            ref var head = ref _slots[dueTick & (SlotCount - 1)];
            entry.WheelPrevious = null;
            entry.WheelNext = head;
            if (head is not null) head.WheelPrevious = entry;
            head = entry;
            _count++;
            if (!_armed && !_disposed)
            {
                _armed = true;
                _timer ??= CreateTimer();
                // First tick at the next tick boundary, so deadlines on boundaries fire exactly at them.
                long elapsed = _time.GetTimestamp() - _origin;
                long toBoundary = _tickLength - (elapsed % _tickLength);
                _timer.Change(TimeSpan.FromTicks(Math.Max(1, (long)(toBoundary * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency))), Resolution);
            }
        }
    }

    /// <summary>
    /// The wheel's timer, made without the registering caller's ExecutionContext: the first registration happens inside
    /// some request (its client deadline, warnings scope and other AsyncLocals), which the timer would otherwise keep
    /// alive and run every later tick under.
    /// </summary>
    private ITimer CreateTimer()
    {
        if (ExecutionContext.IsFlowSuppressed()) return Make();
        using (ExecutionContext.SuppressFlow()) return Make();

        ITimer Make() => _time.CreateTimer(static s => ((DeadlineWheel)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Takes the entry off the wheel; false when it was not on this wheel (never registered, fired, or being fired).</summary>
    public bool Unregister(DeadlineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!ReferenceEquals(Volatile.Read(ref entry.Wheel), this)) return false;
        lock (_lock)
        {
            if (!ReferenceEquals(entry.Wheel, this)) return false;
            Unlink(entry);
            return true;
        }
    }

    /// <summary>One tick: fires every entry whose due tick has passed.</summary>
    internal void Tick()
    {
        // Timer callbacks can overlap when one runs long; the running one catches up with every tick since its last.
        if (Interlocked.Exchange(ref _ticking, 1) != 0) return;
        try
        {
            long nowTick = (_time.GetTimestamp() - _origin) / _tickLength;
            lock (_lock)
            {
                long walk = Math.Min(nowTick - _processedTick, SlotCount);
                for (long t = _processedTick + 1; t <= _processedTick + walk; t++)
                {
                    var entry = _slots[t & (SlotCount - 1)];
                    while (entry is not null)
                    {
                        var next = entry.WheelNext;
                        if (entry.WheelDueTick <= nowTick)
                        {
                            _firing.Add((entry, entry.WheelTicket));
                            Unlink(entry);
                        }

                        entry = next;
                    }
                }

                if (nowTick > _processedTick) _processedTick = nowTick;
                if (_count == 0 && _armed && !_disposed)
                {
                    _armed = false;
                    _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }

            // Outside the lock: an entry's deadline work (failing a request, answering a write) may register or
            // unregister other entries.
            for (int i = 0; i < _firing.Count; i++) _firing[i].Entry.OnDeadline(_firing[i].Ticket);
        }
        finally
        {
            _firing.Clear();
            Volatile.Write(ref _ticking, 0);
        }
    }

    private void Unlink(DeadlineEntry entry)
    {
        if (entry.WheelPrevious is { } previous) previous.WheelNext = entry.WheelNext;
        else _slots[entry.WheelDueTick & (SlotCount - 1)] = entry.WheelNext;
        if (entry.WheelNext is { } next) next.WheelPrevious = entry.WheelPrevious;
        entry.WheelNext = null;
        entry.WheelPrevious = null;
        Volatile.Write(ref entry.Wheel, null);
        _count--;
    }

    /// <summary>Stops the timer; entries still registered, or registered later, never fire (their owners are shutting down too).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _armed = false;
            _timer?.Dispose();
        }
    }
}
