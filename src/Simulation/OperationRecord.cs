using RingStore.Core.Consistency;

namespace RingStore.Simulation;

/// <summary>What a client operation did.</summary>
public enum OperationKind
{
    Write,
    Delete,
    Read,
    /// <summary>One key's part of a token-range scan: what the scan's page covering the key returned for it (Start, End: that page's request).</summary>
    Scan,
}

/// <summary>
/// One client operation in the history. Values only grow and double as write timestamps, so the newest write is
/// the largest value. For a write, <see cref="Value"/> is what it wrote; for a delete, the tombstone's timestamp;
/// for a read, the value it saw (0 = nothing: never written, or deleted). <see cref="Ok"/> false means failed or
/// unknown: a failed write may or may not have taken effect.
/// </summary>
public sealed record OperationRecord(OperationKind Kind, int Key, long Value, TimeSpan Start, TimeSpan End, bool Ok, string Coordinator,
    ConsistencyLevel Level = ConsistencyLevel.Quorum)
{
    public bool IsWrite => Kind is OperationKind.Write or OperationKind.Delete;
}
