using RingStore.Core.Errors;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// The data-disk-usage guardrail as pure rules: thresholds in whole percent (0 = off), as Cassandra 4.1's
/// data_disk_usage_percentage_warn_threshold / _fail_threshold. A write is refused before it is sent when any of its
/// replicas reports a usage at or above the fail threshold, so a filling disk is met with a clear error instead of
/// ENOSPC half-way through a commit-log append.
/// </summary>
public sealed record DiskUsageGuardrail(int WarnPercent, int FailPercent)
{
    public static DiskUsageGuardrail Off { get; } = new(0, 0);

    public bool Warns(int usedPercent) => WarnPercent > 0 && usedPercent >= WarnPercent;

    public bool Fails(int usedPercent) => FailPercent > 0 && usedPercent >= FailPercent;

    /// <summary>Throws DiskUsageExceededException for the first replica at or over the fail threshold.</summary>
    public void CheckWrite(IEnumerable<NodeInfo> replicas, Func<string, int?> usedPercentOf)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(usedPercentOf);
        if (FailPercent <= 0) return;
        foreach (var replica in replicas)
        {
            if (usedPercentOf(replica.Endpoint) is { } used && Fails(used))
                throw new DiskUsageExceededException(replica.Endpoint, used, FailPercent);
        }
    }

    /// <summary>Whole percent used of a file system with <paramref name="total"/> bytes of which <paramref name="available"/> are free to us.</summary>
    public static int UsedPercent(long total, long available) =>
        total <= 0 ? 0 : (int)Math.Clamp(Math.Ceiling(100.0 * (total - available) / total), 0, 100);
}
