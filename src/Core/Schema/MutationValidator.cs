using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Values;

namespace RingStore.Core.Schema;

/// <summary>
/// Rejects a bad update before anything is written: empty key, unknown column, a value of the
/// wrong type or over the size cap, a malformed clustering key.
/// </summary>
public static class MutationValidator
{
    public static void Validate(TableSchema schema, PartitionUpdate update, long maxValueSizeBytes)
    {
        if (update.PartitionKey.Length == 0)
            throw new InvalidRequestException($"Empty partition key for {schema.FullName}.");
        PartitionKeyCodec.Validate(schema.PartitionKey, update.PartitionKey);

        // Indexed loops: foreach over IReadOnlyList boxes an enumerator, and this runs for every write.
        var tombstones = update.RangeTombstones;
        for (int i = 0; i < tombstones.Count; i++)
        {
            CheckClusteringPrefix(schema, tombstones[i].Slice.Start.Prefix);
            CheckClusteringPrefix(schema, tombstones[i].Slice.End.Prefix);
        }

        var rows = update.Rows;
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (schema.Clustering.Count > 0)
            {
                int components = ClusteringKeyCodec.CountComponents(schema.Clustering, row.Clustering);
                if (components != schema.Clustering.Count)
                    throw new InvalidRequestException(
                        $"Row of {schema.FullName} needs all {schema.Clustering.Count} clustering column(s), got {components}.");
            }
            else if (row.Clustering.Length != 0)
                throw new InvalidRequestException($"{schema.FullName} has no clustering columns but the row has a clustering key.");

            int previous = -1;
            foreach (var cell in row.Cells)
            {
                if (cell.Column < 0 || cell.Column >= schema.Regular.Count)
                    throw new InvalidRequestException($"{schema.FullName} has no regular column #{cell.Column}.");
                if (cell.Column <= previous)
                    throw new InvalidRequestException($"Cells of a row must be sorted by column with no duplicates ({schema.FullName}).");
                previous = cell.Column;
                var column = schema.Regular[cell.Column];
                if (cell.Value is null) continue;
                if (cell.Value.Length > maxValueSizeBytes)
                    throw new ValueTooLargeException(column.Name, cell.Value.Length, maxValueSizeBytes);
                ValueCodec.Validate(column.Type, cell.Value, column.Name);
            }
        }
    }

    private static void CheckClusteringPrefix(TableSchema schema, byte[] prefix)
    {
        if (prefix.Length > 0) ClusteringKeyCodec.CountComponents(schema.Clustering, prefix);
    }
}
