using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Cql.Ast;

namespace RingStore.Node.Cql;

/// <summary>
/// INSERT, UPDATE and DELETE to partition updates, validated completely before anything is written:
/// INSERT writes a row marker (the row exists even with every column null), UPDATE does not (the row goes when
/// its last cell does), DELETE writes cell tombstones, a row deletion, range tombstones or a partition deletion
/// depending on what it names and restricts. IN on key columns fans out to several rows and partitions.
/// </summary>
public static class ModificationBuilder
{
    public static IReadOnlyList<PartitionUpdate> Build(TableSchema table, ModificationStatement statement, TermBinder binder, long defaultTimestampMicros, int nowSeconds)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(statement);
        var options = WriteOptions.For(table, statement.Using, binder, defaultTimestampMicros, nowSeconds);
        return statement switch
        {
            InsertStatement insert => [Insert(table, insert, binder, options)],
            UpdateStatement update => Update(table, update, binder, options),
            DeleteStatement delete => Delete(table, delete, binder, options),
            _ => throw new InvalidRequestException($"Unsupported statement {statement.GetType().Name}"),
        };
    }

    private static PartitionUpdate Insert(TableSchema table, InsertStatement insert, TermBinder binder, WriteOptions options)
    {
        var columns = insert.Columns.Select(n => ColumnRef.Resolve(table, n)).ToList();
        var missingKey = table.PartitionKey.Where(c => !insert.Columns.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missingKey.Count > 0) throw new InvalidRequestException($"Some partition key parts are missing: {string.Join(", ", missingKey)}");
        var missingClustering = table.Clustering.Where(c => !insert.Columns.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missingClustering.Count > 0) throw new InvalidRequestException($"Some clustering keys are missing: {string.Join(", ", missingClustering)}");

        var key = new object?[table.PartitionKey.Count];
        var clustering = new object?[table.Clustering.Count];
        var cells = new List<Cell>();
        for (int i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            switch (column.Kind)
            {
                case ColumnKind.PartitionKey:
                    key[column.Index] = binder.KeyValue(insert.Values[i], column);
                    break;
                case ColumnKind.Clustering:
                    clustering[column.Index] = binder.KeyValue(insert.Values[i], column);
                    break;
                default:
                    cells.Add(CellFor(column, binder.Value(insert.Values[i], column.Type, column.Name), options));
                    break;
            }
        }
        var marker = options.TtlSeconds > 0
            ? LivenessInfo.Expiring(options.TimestampMicros, options.TtlSeconds, options.NowSeconds)
            : LivenessInfo.At(options.TimestampMicros);
        var row = new Row(ClusteringKeyCodec.Encode(table.Clustering, clustering), marker, DeletionTime.Live, Sorted(cells));
        return PartitionUpdate.OfRows(table.FullName, PartitionKeys.Serialize(table, key), row);
    }

    private static List<PartitionUpdate> Update(TableSchema table, UpdateStatement update, TermBinder binder, WriteOptions options)
    {
        var where = KeyOnlyWhere(table, update.Where, "UPDATE");
        var keys = PartitionKeys.From(where, binder);
        var clustering = ClusteringSelection.Build(where, binder);
        if (clustering.HasSlice) throw new InvalidRequestException("Slice restrictions are not supported on the clustering columns in UPDATE statements");
        clustering.RequireUsable();
        if (!clustering.IsFullKeys) throw MissingClustering(table, clustering);

        var cells = new List<Cell>();
        foreach (var assignment in update.Assignments)
        {
            var column = ColumnRef.Resolve(table, assignment.Column);
            if (column.IsPrimaryKey) throw new InvalidRequestException($"PRIMARY KEY part {column.Name} found in SET part");
            cells.Add(CellFor(column, binder.Value(assignment.Value, column.Type, column.Name), options));
        }
        var sorted = Sorted(cells);
        var rows = clustering.FullKeys().Select(k => new Row(k, LivenessInfo.None, DeletionTime.Live, sorted)).ToArray();
        return keys.Select(k => new PartitionUpdate(table.FullName, k, DeletionTime.Live, [], rows)).ToList();
    }

    private static List<PartitionUpdate> Delete(TableSchema table, DeleteStatement delete, TermBinder binder, WriteOptions options)
    {
        var columns = delete.Columns.Select(n => ColumnRef.Resolve(table, n)).ToList();
        var keyColumn = columns.FirstOrDefault(c => c.IsPrimaryKey);
        if (keyColumn is not null) throw new InvalidRequestException($"Invalid identifier {keyColumn.Name} for deletion (should not be a PRIMARY KEY part)");
        var where = KeyOnlyWhere(table, delete.Where, "DELETE");
        var keys = PartitionKeys.From(where, binder);
        var clustering = ClusteringSelection.Build(where, binder);
        clustering.RequireUsable();
        var deletion = new DeletionTime(options.TimestampMicros, options.NowSeconds);

        if (columns.Count > 0)
        {
            if (clustering.HasSlice || (clustering.EqualityCount > 0 && !clustering.IsFullKeys))
                throw new InvalidRequestException("Range deletions are not supported for specific columns");
            if (!clustering.IsFullKeys) throw MissingClustering(table, clustering);
            var tombstones = columns.DistinctBy(c => c.Index).OrderBy(c => c.Index)
                .Select(c => Cell.Tombstone(c.Index, options.TimestampMicros, options.NowSeconds)).ToArray();
            var rows = clustering.FullKeys().Select(k => new Row(k, LivenessInfo.None, DeletionTime.Live, tombstones)).ToArray();
            return keys.Select(k => new PartitionUpdate(table.FullName, k, DeletionTime.Live, [], rows)).ToList();
        }
        if (clustering.IsFullKeys && table.Clustering.Count > 0)
        {
            var rows = clustering.FullKeys().Select(k => new Row(k, LivenessInfo.None, deletion, [])).ToArray();
            return keys.Select(k => new PartitionUpdate(table.FullName, k, DeletionTime.Live, [], rows)).ToList();
        }
        if (clustering.IsEmpty)
            return keys.Select(k => PartitionUpdate.DeletePartition(table.FullName, k, deletion)).ToList();
        var ranges = clustering.Slices().Select(s => new RangeTombstone(s, deletion)).ToList();
        return keys.Select(k => new PartitionUpdate(table.FullName, k, DeletionTime.Live, ranges, [])).ToList();
    }

    /// <summary>UPDATE and DELETE restrict the primary key only, without token().</summary>
    private static WhereClause KeyOnlyWhere(TableSchema table, IReadOnlyList<Restriction> restrictions, string statement)
    {
        var where = WhereClause.Analyze(table, restrictions);
        if (where.Token.Count > 0) throw new InvalidRequestException($"The token function cannot be used in WHERE clauses for {statement} statements");
        if (where.Regular.Count > 0)
            throw new InvalidRequestException($"Non PRIMARY KEY columns found in where clause: {string.Join(", ", where.Regular.Select(r => r.Column.Name))}");
        PartitionKeys.RequireFull(where);
        return where;
    }

    private static InvalidRequestException MissingClustering(TableSchema table, ClusteringSelection clustering) =>
        new($"Some clustering keys are missing: {string.Join(", ", table.Clustering.Skip(clustering.EqualityCount).Select(c => c.Name))}");

    private static Cell CellFor(ColumnRef column, object? value, WriteOptions options)
    {
        // Setting a column to null deletes it, as in CQL.
        if (value is null) return Cell.Tombstone(column.Index, options.TimestampMicros, options.NowSeconds);
        byte[] bytes = ValueCodec.Serialize(column.Type, value, column.Name);
        return options.TtlSeconds > 0
            ? Cell.Expiring(column.Index, options.TimestampMicros, bytes, options.TtlSeconds, options.NowSeconds)
            : Cell.Live(column.Index, options.TimestampMicros, bytes);
    }

    private static Cell[] Sorted(List<Cell> cells) => [.. cells.OrderBy(c => c.Column)];
}
