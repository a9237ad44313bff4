namespace RingStore.Simulation;

/// <summary>
/// A broken guarantee: which rule, the key, and the stretch of virtual time that shows it (from the operation that
/// created the obligation to the one that broke it), so the reproducer can print just that part of the log.
/// </summary>
public sealed record Violation(string Rule, int Key, TimeSpan From, TimeSpan To, string Message)
{
    public const string LostWrite = "lost-write";
    public const string ReadWentBack = "read-went-back";
    public const string Resurrected = "resurrected";
    public const string HintsNotDrained = "hints-not-drained";
    public const string NotReplicated = "not-replicated";
    public const string ScanNotRepaired = "scan-not-repaired";
    public const string EngineFailed = "engine-failed";
    public const string HintLost = "hint-lost";
    public const string RepairNotConverged = "repair-not-converged";

    public override string ToString() => $"[{Rule}] {Message}";
}
