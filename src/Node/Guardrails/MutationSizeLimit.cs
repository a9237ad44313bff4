using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Serialization;

namespace RingStore.Node.Guardrails;

/// <summary>
/// The one size limit for a write: a partition update's encoded size (DataSerializer, the bytes the commit log, a
/// hint and a MutationMessage carry) may be at most <see cref="Bytes"/>, the smallest of the commit log's entry, the
/// hint store's record and an internode frame less its envelope and message overhead. Checked once, at the
/// coordinator before anything is sent, so whatever validation accepts is stored on every replica, hinted for a down
/// one and sent in one frame; anything larger is ValueTooLarge naming the largest value's column.
/// </summary>
public sealed class MutationSizeLimit
{
    /// <summary>A MutationMessage's MessagePack wrapping of the update bytes (array header, version, bin32 header), with room to spare.</summary>
    public const int MutationMessageOverheadBytes = 64;

    // Upper bounds of DataSerializer's overhead per cell, row and range tombstone (varint lengths, column ids, flags,
    // timestamps, TTLs, deletion times): below the sum of them plus the raw bytes, no exact encoding is needed.
    private const int PerItemBound = 64;

    public MutationSizeLimit(int commitLogEntryBytes, int hintBytes, int frameBytes, int envelopeOverheadBytes)
    {
        Bytes = Math.Min(commitLogEntryBytes, Math.Min(hintBytes, frameBytes - envelopeOverheadBytes - MutationMessageOverheadBytes));
        if (Bytes <= 0) throw new ArgumentOutOfRangeException(nameof(commitLogEntryBytes), "The derived mutation size limit is not positive.");
    }

    /// <summary>Largest encoded partition update a write may carry.</summary>
    public int Bytes { get; }

    /// <exception cref="ValueTooLargeException">The update's encoding is over <see cref="Bytes"/>.</exception>
    public void Check(TableSchema table, PartitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(update);
        if (UpperBound(update) <= Bytes) return; // the common case: no second encoding
        long encoded = DataSerializer.Serialize(update).Length;
        if (encoded <= Bytes) return;
        string column = LargestColumn(table, update);
        throw new ValueTooLargeException(column, encoded, Bytes,
            $"Mutation of {table.FullName} is {encoded} bytes encoded (values, keys and encoding overhead), over the {Bytes}-byte limit " +
            $"(the largest a commit-log entry, a hint and an internode message can all carry); its largest value is in column '{column}'.");
    }

    /// <summary>Raw bytes plus the per-item bound: never below the encoded size.</summary>
    public static long UpperBound(PartitionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        long size = update.Table.Length + update.PartitionKey.Length + PerItemBound;
        foreach (var rt in update.RangeTombstones) size += rt.Slice.Start.Prefix.Length + rt.Slice.End.Prefix.Length + PerItemBound;
        foreach (var row in update.Rows)
        {
            size += row.Clustering.Length + PerItemBound;
            foreach (var cell in row.Cells) size += (cell.Value?.Length ?? 0) + PerItemBound;
        }
        return size;
    }

    private static string LargestColumn(TableSchema table, PartitionUpdate update)
    {
        int column = -1, largest = -1;
        foreach (var row in update.Rows)
            foreach (var cell in row.Cells)
                if (cell.Value is { } v && v.Length > largest && cell.Column >= 0 && cell.Column < table.Regular.Count) (largest, column) = (v.Length, cell.Column);
        return column < 0 ? "(keys)" : table.Regular[column].Name;
    }
}
