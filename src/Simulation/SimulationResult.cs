namespace RingStore.Simulation;

/// <summary>A run's history, what the checkers found in it, and counters of what it exercised.</summary>
public sealed record SimulationResult(int Seed, IReadOnlyList<OperationRecord> History, IReadOnlyList<string> Violations, SimulationStats Stats)
{
    public int AckedWrites => History.Count(o => o.IsWrite && o.Ok);

    public int SuccessfulReads => History.Count(o => !o.IsWrite && o.Ok);
}
