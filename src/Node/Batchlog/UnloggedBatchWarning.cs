using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Core.Schema;

namespace RingStore.Node.Batchlog;

/// <summary>
/// An UNLOGGED batch over many partitions is usually a mistake (it is neither atomic nor faster than separate writes:
/// the coordinator still writes each partition on its own), so, as Cassandra's unlogged_batch_across_partitions_warn_threshold,
/// the node logs a warning naming the tables when a batch spans more than <paramref name="partitions"/> partitions
/// (0 = off). Logged only, as in Cassandra; the client gets no warning for it.
/// </summary>
public sealed class UnloggedBatchWarning(int partitions, ILogger logger)
{
    public const int DefaultPartitions = 10;

    public static readonly UnloggedBatchWarning None = new(0, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <returns>Whether it warned.</returns>
    public bool Check(IReadOnlyList<(TableSchema Table, PartitionUpdate Update)> merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        if (partitions <= 0 || merged.Count <= partitions) return false;
        string tables = string.Join(", ", merged.Select(u => u.Table.FullName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        logger.LogWarning("Unlogged batch covering {Partitions} partitions detected against table(s) [{Tables}]; over the threshold of {Threshold}. " +
            "An unlogged batch is not atomic across partitions: use a LOGGED batch for atomicity or separate writes for speed",
            merged.Count, tables, partitions);
        return true;
    }
}
