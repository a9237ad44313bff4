using System.Globalization;
using Microsoft.Extensions.Logging;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Node.Requests;

namespace RingStore.Node.Guardrails;

/// <summary>
/// Size guardrails on writes, checked at the coordinator after validation and before anything is sent:
/// a value over <paramref name="valueWarnBytes"/> warns (Cassandra 4.1's column_value_size_warn_threshold; the fail
/// side is the mutation size limit, <see cref="MutationSizeLimit"/>); a batch touching more than one partition warns
/// over <paramref name="batchWarnBytes"/> and fails over <paramref name="batchFailBytes"/> (Cassandra's
/// batch_size_warn_threshold / batch_size_fail_threshold, 5 and 50 KiB; single-partition batches are exempt, as there).
/// The batch size is the data it carries: keys, clustering and values. 0 turns a threshold off.
/// </summary>
public sealed class WriteGuardrails(long valueWarnBytes, long batchWarnBytes, long batchFailBytes, ILogger logger)
{
    public const int DefaultValueWarnKiB = 1024;
    public const int DefaultBatchWarnKiB = 5;
    public const int DefaultBatchFailKiB = 50;

    /// <summary>Off: for tests and tools that build coordinators by hand.</summary>
    public static readonly WriteGuardrails None = new(0, 0, 0, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <exception cref="InvalidRequestException">A multi-partition batch over the failure threshold.</exception>
    public void Check(IReadOnlyList<(TableSchema Table, PartitionUpdate Update)> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count > 1 && (batchWarnBytes > 0 || batchFailBytes > 0))
        {
            long size = updates.Sum(u => DataSize(u.Update));
            string tables = string.Join(", ", updates.Select(u => u.Table.FullName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            if (batchFailBytes > 0 && size > batchFailBytes)
            {
                logger.LogError("Batch of {Partitions} partitions for [{Tables}] is {Size} bytes, over the fail threshold of {Threshold} bytes: refused",
                    updates.Count, tables, size, batchFailBytes);
                throw new InvalidRequestException(string.Create(CultureInfo.InvariantCulture,
                    $"Batch too large: {updates.Count} partitions for [{tables}] carry {Kib(size)}, over batch_size_fail_threshold of {Kib(batchFailBytes)}"));
            }
            if (batchWarnBytes > 0 && size > batchWarnBytes)
            {
                logger.LogWarning("Batch of {Partitions} partitions for [{Tables}] is {Size} bytes, over the warn threshold of {Threshold} bytes",
                    updates.Count, tables, size, batchWarnBytes);
                ClientWarnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Batch for [{tables}] is of size {Kib(size)}, exceeding specified threshold of {Kib(batchWarnBytes)} by {Kib(size - batchWarnBytes)}."));
            }
        }
        if (valueWarnBytes <= 0) return;
        foreach (var (table, update) in updates)
            foreach (var row in update.Rows)
                foreach (var cell in row.Cells)
                {
                    if (cell.Value is not { Length: var length } || length <= valueWarnBytes) continue;
                    string column = cell.Column >= 0 && cell.Column < table.Regular.Count ? table.Regular[cell.Column].Name : $"#{cell.Column}";
                    logger.LogWarning("Value of {Table}.{Column} is {Size} bytes, over the warn threshold of {Threshold} bytes", table.FullName, column, length, valueWarnBytes);
                    ClientWarnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"Value of column '{column}' of {table.FullName} is {length} bytes, over the column_value_size_warn_threshold of {valueWarnBytes} bytes"));
                }
    }

    /// <summary>The data a partition update carries: key, clustering prefixes and values.</summary>
    public static long DataSize(PartitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        long size = update.PartitionKey.Length;
        foreach (var rt in update.RangeTombstones) size += rt.Slice.Start.Prefix.Length + rt.Slice.End.Prefix.Length;
        foreach (var row in update.Rows)
        {
            size += row.Clustering.Length;
            foreach (var cell in row.Cells) size += cell.Value?.Length ?? 0;
        }
        return size;
    }

    private static string Kib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F3}KiB");
}
