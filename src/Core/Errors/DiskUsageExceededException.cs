namespace RingStore.Core.Errors;

/// <summary>
/// A write refused before anything was written because a replica's data disk is fuller than the cluster's fail
/// threshold (Cassandra 4.1's data_disk_usage guardrail): refusing early keeps the replica short of a full disk.
/// </summary>
public sealed class DiskUsageExceededException(string replica, int usedPercent, int failPercent)
    : Exception($"Write refused: the data disk of replica {replica} is {usedPercent}% full, at or above the fail threshold of {failPercent}% " +
                "(free space there, or add nodes; the write was not applied anywhere).")
{
    public string Replica { get; } = replica;
    public int UsedPercent { get; } = usedPercent;
    public int FailPercent { get; } = failPercent;
}
