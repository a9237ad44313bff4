namespace RingStore.Storage.Compaction;

/// <summary>
/// Compaction's write rate from its backlog, as ScyllaDB's compaction controller gives compaction shares that grow with
/// the backlog: with nothing to do compaction writes at the base rate (and leaves the disk to requests), and the
/// further it falls behind the faster it may write, up to a bound, so it keeps up with a sustained write rate that a
/// fixed cap would fall behind (the debt then lands on the reads that follow, which visit ever more SSTables).
/// Pure: no I/O and no clock. The caller gives the backlog and the time since its last call
/// (<see cref="CompactionBandwidth"/> reads both from the engine).
/// <para>Target rate = base x (1 + (MaxFactor - 1) x min(1, backlog / (unit x FullBacklogFlushes))): monotone in the
/// backlog and within [base, base x MaxFactor]. The applied rate rises to a higher target at once and decays
/// exponentially (time constant <see cref="CompactionControllerOptions.DecayTime"/>) to a lower one, so it converges
/// to the target of a steady backlog.</para>
/// </summary>
public sealed class CompactionController
{
    private readonly double _base;
    private readonly double _unit;
    private readonly CompactionControllerOptions _options;
    private double _rate;

    /// <param name="baseBytesPerSecond">Rate with no backlog (positive).</param>
    /// <param name="backlogUnitBytes">What one "flush" of backlog is (the memtable flush threshold; positive).</param>
    /// <param name="options">The curve; validated here.</param>
    public CompactionController(double baseBytesPerSecond, long backlogUnitBytes, CompactionControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(baseBytesPerSecond > 0) || double.IsInfinity(baseBytesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(baseBytesPerSecond), baseBytesPerSecond, "The base compaction rate must be positive and finite.");
        if (backlogUnitBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(backlogUnitBytes), backlogUnitBytes, "The backlog unit must be positive.");
        if (!(options.MaxFactor >= 1) || double.IsInfinity(options.MaxFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxFactor, "CompactionControllerOptions.MaxFactor must be at least 1 and finite.");
        if (!(options.FullBacklogFlushes > 0) || double.IsInfinity(options.FullBacklogFlushes))
            throw new ArgumentOutOfRangeException(nameof(options), options.FullBacklogFlushes, "CompactionControllerOptions.FullBacklogFlushes must be positive and finite.");
        if (options.DecayTime < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.DecayTime, "CompactionControllerOptions.DecayTime must not be negative.");
        _base = baseBytesPerSecond;
        _unit = backlogUnitBytes;
        _options = options;
        _rate = baseBytesPerSecond;
    }

    public double BaseBytesPerSecond => _base;

    public double MaxBytesPerSecond => _base * _options.MaxFactor;

    /// <summary>The rate last returned by <see cref="Update"/> (the base rate before the first call).</summary>
    public double BytesPerSecond => _rate;

    /// <summary>The rate a backlog of <paramref name="backlogBytes"/> calls for (negative counts as none).</summary>
    public double TargetBytesPerSecond(long backlogBytes)
    {
        if (backlogBytes <= 0) return _base;
        double share = Math.Min(1.0, backlogBytes / _unit / _options.FullBacklogFlushes);
        return Math.Min(MaxBytesPerSecond, _base * (1 + ((_options.MaxFactor - 1) * share)));
    }

    /// <summary>
    /// Moves the rate toward the backlog's target over <paramref name="elapsed"/> (the time since the previous call;
    /// negative counts as none) and returns it: up at once, down exponentially.
    /// </summary>
    public double Update(long backlogBytes, TimeSpan elapsed)
    {
        double target = TargetBytesPerSecond(backlogBytes);
        if (target >= _rate || _options.DecayTime == TimeSpan.Zero)
        {
            _rate = target;
            return _rate;
        }
        double seconds = Math.Max(0, elapsed.TotalSeconds);
        double keep = Math.Exp(-seconds / _options.DecayTime.TotalSeconds);
        _rate = Math.Clamp(target + ((_rate - target) * keep), target, MaxBytesPerSecond);
        return _rate;
    }
}
