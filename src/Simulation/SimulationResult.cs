namespace RingStore.Simulation;

/// <summary>
/// A run's history, what the checker found in it, counters of what it exercised, the hash of its whole event log
/// (equal for equal seeds), and the log itself when it was recorded.
/// </summary>
public sealed record SimulationResult(int Seed, IReadOnlyList<OperationRecord> History, IReadOnlyList<Violation> Violations,
    SimulationStats Stats, ulong EventLogHash, IReadOnlyList<SimEvent> Events, TimeSpan SimulatedTime)
{
    public int AckedWrites => History.Count(o => o.IsWrite && o.Ok);

    public int SuccessfulReads => History.Count(o => !o.IsWrite && o.Ok);

    /// <summary>The events about the first violation's key, and the faults, over the stretch of time that shows it.</summary>
    public IReadOnlyList<SimEvent> TraceOfFirstViolation()
    {
        if (Violations.Count == 0) return [];
        var v = Violations[0];
        return Events.Where(e => e.At >= v.From && e.At <= v.To && (e.Key == v.Key || e.IsFault)).ToList();
    }
}
