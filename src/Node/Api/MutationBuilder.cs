using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using ProtoMutation = RingStore.Client.Protos.Mutation;
using ProtoValue = RingStore.Client.Protos.Value;

namespace RingStore.Node.Api;

/// <summary>
/// Turns one gRPC <see cref="ProtoMutation"/> into a <see cref="PartitionUpdate"/> for its table. Every value is
/// type-checked here, on the coordinator, so a bad request fails before any replica is contacted.
/// </summary>
public static class MutationBuilder
{
    public static PartitionUpdate Build(TableSchema table, ProtoMutation mutation, long timestampMicros, int nowSeconds)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(mutation);
        byte[] key = PartitionKey(table, mutation.PartitionKey);
        if (mutation.TtlSeconds < 0) throw new InvalidRequestException($"TTL must not be negative, got {mutation.TtlSeconds}.");
        int ttl = mutation.TtlSeconds > 0 ? mutation.TtlSeconds : table.Options.DefaultTimeToLiveSeconds;
        var deletion = new DeletionTime(timestampMicros, nowSeconds);

        var rows = new List<Row>(mutation.Rows.Count);
        foreach (var write in mutation.Rows)
        {
            byte[] clustering = FullClustering(table, write.Clustering);
            if (write.DeleteRow)
            {
                rows.Add(new Row(clustering, LivenessInfo.None, deletion, []));
                continue;
            }
            var cells = new List<Cell>(write.Cells.Count);
            foreach (var (name, value) in write.Cells)
            {
                int column = table.RegularColumnIndex(name);
                if (column < 0) throw UnknownOrKeyColumn(table, name);
                var type = table.Regular[column].Type;
                if (ValueConverter.IsNull(value))
                {
                    cells.Add(Cell.Tombstone(column, timestampMicros, nowSeconds));
                    continue;
                }
                byte[] bytes = ValueCodec.Serialize(type, ValueConverter.ToClr(type, value, name), name);
                cells.Add(ttl > 0 ? Cell.Expiring(column, timestampMicros, bytes, ttl, nowSeconds) : Cell.Live(column, timestampMicros, bytes));
            }
            cells.Sort((a, b) => a.Column.CompareTo(b.Column));
            // INSERT writes a row marker so the row exists even with every cell null; UPDATE does not (as CQL).
            var marker = write.UpdateOnly ? LivenessInfo.None
                : ttl > 0 ? LivenessInfo.Expiring(timestampMicros, ttl, nowSeconds) : LivenessInfo.At(timestampMicros);
            rows.Add(new Row(clustering, marker, DeletionTime.Live, [.. cells]));
        }

        var ranges = new List<RangeTombstone>(mutation.RangeDeletes.Count);
        foreach (var range in mutation.RangeDeletes)
            ranges.Add(new RangeTombstone(SliceBuilder.Build(table, range.Start, range.End), deletion));

        if (rows.Count == 0 && ranges.Count == 0 && !mutation.DeletePartition)
            throw new InvalidRequestException($"Mutation of {table.FullName} changes nothing: give rows, range deletes or delete_partition.");
        rows.Sort((a, b) => a.Clustering.AsSpan().SequenceCompareTo(b.Clustering));
        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Clustering.AsSpan().SequenceEqual(rows[i - 1].Clustering))
                rows[i - 1] = Reconcile.Rows(rows[i - 1], rows[i]);
        }
        rows = rows.Where((r, i) => i == rows.Count - 1 || !r.Clustering.AsSpan().SequenceEqual(rows[i + 1].Clustering)).ToList();
        return new PartitionUpdate(table.FullName, key, mutation.DeletePartition ? deletion : DeletionTime.Live, ranges, rows);
    }

    /// <summary>Cassandra-serialized partition key bytes (the token is computed from these).</summary>
    public static byte[] PartitionKey(TableSchema table, IReadOnlyList<ProtoValue> values)
    {
        if (values.Count != table.PartitionKey.Count)
            throw new InvalidRequestException(
                $"{table.FullName} has partition key ({string.Join(", ", table.PartitionKey.Select(c => c.Name))}): " +
                $"{table.PartitionKey.Count} value(s) required, got {values.Count}.");
        var clr = new object?[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            var column = table.PartitionKey[i];
            clr[i] = ValueConverter.ToClr(column.Type, values[i], column.Name);
        }
        byte[] key = PartitionKeyCodec.Serialize(table.PartitionKey, clr);
        if (key.Length == 0) throw new InvalidRequestException($"The partition key of {table.FullName} must not be empty.");
        if (key.Length > ushort.MaxValue) throw new InvalidRequestException($"The partition key of {table.FullName} is {key.Length} bytes; the limit is {ushort.MaxValue}.");
        return key;
    }

    private static byte[] FullClustering(TableSchema table, IReadOnlyList<ProtoValue> values)
    {
        if (values.Count != table.Clustering.Count)
            throw new InvalidRequestException(
                $"A row of {table.FullName} needs all {table.Clustering.Count} clustering column value(s) " +
                $"({string.Join(", ", table.Clustering.Select(c => c.Name))}), got {values.Count}.");
        return SliceBuilder.Prefix(table, values);
    }

    private static InvalidRequestException UnknownOrKeyColumn(TableSchema table, string name) =>
        table.PartitionKey.Any(c => c.Name == name) || table.Clustering.Any(c => c.Name == name)
            ? new InvalidRequestException($"'{name}' is a primary-key column of {table.FullName}; it is set through the key, not as a cell.")
            : new InvalidRequestException($"Undefined column name '{name}' in table {table.FullName}.");
}
