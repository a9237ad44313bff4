using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Serialization;
using RingStore.Core.Values;

namespace RingStore.Core.Schema;

/// <summary>
/// Rejects a bad update before anything is written: empty key, unknown column, a value of the
/// wrong type or over the size cap, a malformed clustering key. The same checks run on an update's objects and on
/// its encoded form (a replica applies the coordinator's bytes without decoding them to objects).
/// </summary>
public static class MutationValidator
{
    public static void Validate(TableSchema schema, PartitionUpdate update, long maxValueSizeBytes)
    {
        CheckPartitionKey(schema, update.PartitionKey);
        CheckRangeTombstones(schema, update.RangeTombstones);

        // Indexed loops: foreach over IReadOnlyList boxes an enumerator, and this runs for every write.
        var rows = update.Rows;
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            CheckRowClustering(schema, row.Clustering);
            int previous = -1;
            foreach (var cell in row.Cells) CheckCell(schema, cell.Column, ref previous, cell.Value, cell.Value is null, maxValueSizeBytes);
        }
    }

    /// <summary>
    /// The same checks on an encoded update whose layout and row bounds were read already (so its structure is
    /// whole): <paramref name="rowBounds"/> as <see cref="EncodedPartitionUpdate.FindRowBounds"/> wrote them.
    /// </summary>
    public static void Validate(TableSchema schema, ReadOnlySpan<byte> data, in EncodedPartitionUpdate update, ReadOnlySpan<int> rowBounds,
        IReadOnlyList<RangeTombstone> rangeTombstones, long maxValueSizeBytes)
    {
        CheckPartitionKey(schema, data[update.PartitionKey]);
        CheckRangeTombstones(schema, rangeTombstones);
        for (int r = 0; r < update.RowCount; r++)
        {
            var row = new EncodedRowReader(data[rowBounds[r]..rowBounds[r + 1]]);
            CheckRowClustering(schema, row.Clustering);
            int previous = -1;
            while (row.TryReadCell(out var cell, out var value))
                CheckCell(schema, cell.Column, ref previous, value, cell.IsTombstone, maxValueSizeBytes);
        }
    }

    private static void CheckPartitionKey(TableSchema schema, ReadOnlySpan<byte> key)
    {
        if (key.Length == 0)
            throw new InvalidRequestException($"Empty partition key for {schema.FullName}.");
        PartitionKeyCodec.Validate(schema.PartitionKey, key);
    }

    private static void CheckRangeTombstones(TableSchema schema, IReadOnlyList<RangeTombstone> tombstones)
    {
        for (int i = 0; i < tombstones.Count; i++)
        {
            CheckClusteringPrefix(schema, tombstones[i].Slice.Start.Prefix);
            CheckClusteringPrefix(schema, tombstones[i].Slice.End.Prefix);
        }
    }

    private static void CheckRowClustering(TableSchema schema, ReadOnlySpan<byte> clustering)
    {
        if (schema.Clustering.Count > 0)
        {
            int components = ClusteringKeyCodec.CountComponents(schema.Clustering, clustering);
            if (components != schema.Clustering.Count)
                throw new InvalidRequestException(
                    $"Row of {schema.FullName} needs all {schema.Clustering.Count} clustering column(s), got {components}.");
        }
        else if (clustering.Length != 0)
            throw new InvalidRequestException($"{schema.FullName} has no clustering columns but the row has a clustering key.");
    }

    /// <param name="isTombstone">The cell has no value (a deleted cell): only its column is checked.</param>
    private static void CheckCell(TableSchema schema, int columnIndex, ref int previous, ReadOnlySpan<byte> value, bool isTombstone, long maxValueSizeBytes)
    {
        if (columnIndex < 0 || columnIndex >= schema.Regular.Count)
            throw new InvalidRequestException($"{schema.FullName} has no regular column #{columnIndex}.");
        if (columnIndex <= previous)
            throw new InvalidRequestException($"Cells of a row must be sorted by column with no duplicates ({schema.FullName}).");
        previous = columnIndex;
        if (isTombstone) return;
        var column = schema.Regular[columnIndex];
        if (value.Length > maxValueSizeBytes)
            throw new ValueTooLargeException(column.Name, value.Length, maxValueSizeBytes);
        ValueCodec.Validate(column.Type, value, column.Name);
    }

    private static void CheckClusteringPrefix(TableSchema schema, byte[] prefix)
    {
        if (prefix.Length > 0) ClusteringKeyCodec.CountComponents(schema.Clustering, prefix);
    }
}
