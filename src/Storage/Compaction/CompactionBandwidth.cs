namespace RingStore.Storage.Compaction;

/// <summary>
/// The engine's compaction rate: keeps each table's latest backlog (<see cref="CompactionBacklog"/>, observed after each
/// flush and at each compaction's start and end) and asks the <see cref="CompactionController"/> for the rate of their
/// sum, with the time since the previous question from the engine's <see cref="TimeProvider"/>. No controller (base
/// rate 0) means unlimited. Thread-safe: flushes observe while a compaction's throttle asks.
/// </summary>
public sealed class CompactionBandwidth
{
    private readonly CompactionController? _controller;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, long> _backlogs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _lastAsked;
    private long _backlogTotal;

    /// <param name="baseMiBPerSecond">Rate with no backlog; 0 = unlimited (no controller).</param>
    /// <param name="backlogUnitBytes">The backlog's unit (the memtable flush threshold).</param>
    public CompactionBandwidth(double baseMiBPerSecond, long backlogUnitBytes, CompactionControllerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (baseMiBPerSecond < 0 || double.IsNaN(baseMiBPerSecond))
            throw new ArgumentOutOfRangeException(nameof(baseMiBPerSecond), baseMiBPerSecond, "The compaction rate must be 0 (unlimited) or positive.");
        _time = time;
        if (baseMiBPerSecond > 0) _controller = new CompactionController(baseMiBPerSecond * 1024 * 1024, backlogUnitBytes, options);
        _lastAsked = time.GetTimestamp();
    }

    /// <summary>Whether compaction is paced at all (a base rate was given).</summary>
    public bool Limited => _controller is not null;

    /// <summary>Sum of the tables' latest backlogs.</summary>
    public long BacklogBytes
    {
        get
        {
            lock (_gate) return _backlogTotal;
        }
    }

    /// <summary>Records a table's backlog (replacing its previous one).</summary>
    public void Observe(string table, long backlogBytes)
    {
        backlogBytes = Math.Max(0, backlogBytes);
        lock (_gate)
        {
            _backlogTotal += backlogBytes - _backlogs.GetValueOrDefault(table);
            _backlogs[table] = backlogBytes;
        }
    }

    /// <summary>Forgets a dropped table.</summary>
    public void Forget(string table)
    {
        lock (_gate)
            if (_backlogs.Remove(table, out long previous)) _backlogTotal -= previous;
    }

    /// <summary>The rate the last <see cref="BytesPerSecond"/> call gave (0: unlimited), without moving the controller.</summary>
    public double LastBytesPerSecond
    {
        get
        {
            lock (_gate) return _controller?.BytesPerSecond ?? 0;
        }
    }

    /// <summary>The rate to write at now, bytes per second; 0 means unlimited.</summary>
    public double BytesPerSecond()
    {
        if (_controller is null) return 0;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_lastAsked, now);
            _lastAsked = now;
            return _controller.Update(_backlogTotal, elapsed);
        }
    }
}
