namespace RingStore.Simulation;

/// <summary>
/// One client operation in the history. For a write, <see cref="Value"/> is what it wrote (values only grow and
/// double as write timestamps, so the newest write is the largest value); for a read, what it saw (0 = nothing).
/// <see cref="Ok"/> false means failed or unknown: a failed write may or may not have taken effect.
/// </summary>
public sealed record OperationRecord(bool IsWrite, int Key, long Value, TimeSpan Start, TimeSpan End, bool Ok, string Coordinator);
