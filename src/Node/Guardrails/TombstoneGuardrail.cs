using Microsoft.Extensions.Logging;
using RingStore.Core.Errors;
using RingStore.Core.Reads;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;

namespace RingStore.Node.Guardrails;

/// <summary>
/// Tombstones scanned per partition read on a replica (Cassandra's tombstone_warn_threshold and
/// tombstone_failure_threshold): over the warn threshold the replica logs a warning naming keyspace, table and
/// partition key and sends it to the client; over the failure threshold the engine stops the read and the replica
/// answers with a failure naming them. Thresholds of 0 are off. The count is the engine's tablestats rule: deleted
/// or expired rows, range tombstones and a partition deletion.
/// </summary>
public sealed class TombstoneGuardrail(long warnThreshold, long failThreshold, Func<string, byte[], string> describeKey, TimeProvider time, ILogger logger)
{
    /// <summary>Cassandra's defaults.</summary>
    public const int DefaultWarnThreshold = 1000;
    public const int DefaultFailThreshold = 100_000;

    /// <summary>The engine's stop point (<see cref="StorageEngine.ReadUnfiltered"/>): no limit when off.</summary>
    public long MaxTombstones => failThreshold > 0 ? failThreshold : long.MaxValue;

    /// <summary>Tombstones in a replica's answer, by the engine's clock rule for expiry.</summary>
    public long Count(MergedPartitionData? partition) => Count(partition, (int)time.GetUtcNow().ToUnixTimeSeconds());

    public static long Count(MergedPartitionData? partition, int nowSeconds)
    {
        if (partition is null) return 0;
        long count = partition.RangeTombstones.Count + (partition.PartitionDeletion.IsLive ? 0 : 1);
        foreach (var row in partition.Rows) if (LiveRows.Visible(row, nowSeconds) is null) count++;
        return count;
    }

    /// <summary>
    /// The warning for the client when <paramref name="tombstones"/> is over the warn threshold (also logged), else null.
    /// </summary>
    /// <exception cref="TombstoneOverwhelmingException">Over the failure threshold.</exception>
    public string? Check(string table, byte[] partitionKey, long tombstones)
    {
        if (failThreshold > 0 && tombstones > failThreshold)
            throw Overwhelmed(table, partitionKey, tombstones);
        if (warnThreshold <= 0 || tombstones <= warnThreshold) return null;
        string key = describeKey(table, partitionKey);
        logger.LogWarning("Read {Tombstones} tombstones on {Table} partition key '{Key}' (warn threshold {Threshold})", tombstones, table, key, warnThreshold);
        return $"Read {tombstones} tombstones during query on {table} partition key '{key}' (tombstone_warn_threshold {warnThreshold})";
    }

    /// <summary>The engine's exception (raw key) made readable, and logged.</summary>
    public TombstoneOverwhelmingException Overwhelmed(string table, byte[] partitionKey, long tombstones)
    {
        var e = new TombstoneOverwhelmingException(table, describeKey(table, partitionKey), tombstones, failThreshold);
        logger.LogError("{Message}", e.Message);
        return e;
    }
}
