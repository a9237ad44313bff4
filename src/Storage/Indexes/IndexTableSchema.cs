using RingStore.Core.Schema;

namespace RingStore.Storage.Indexes;

/// <summary>
/// The hidden table one node keeps for one local secondary index (Cassandra's legacy "index table"): one partition per
/// indexed value, one row per base row holding it, clustered by (base token, base partition key, base clustering) so a
/// lookup restricted to a token range is one clustering slice, and hits come in the ring order range scans use.
/// Rows carry only a row marker (the base cell's timestamp and TTL), so an entry expires with the cell it indexes.
/// Named "t.index" (a dot no user table can have), so it can never collide with a table; its id is the index's id.
/// </summary>
public static class IndexTableSchema
{
    public const string ValueColumn = "value";
    public const string TokenColumn = "token";
    public const string KeyColumn = "pk";
    public const string ClusteringColumn = "ck";

    public static TableSchema For(TableSchema baseTable, IndexDefinition index)
    {
        ArgumentNullException.ThrowIfNull(baseTable);
        ArgumentNullException.ThrowIfNull(index);
        int column = baseTable.RegularColumnIndex(index.Column);
        if (column < 0) throw new ArgumentException($"{baseTable.FullName} has no regular column {index.Column} to index", nameof(index));
        return new TableSchema(baseTable.Keyspace, TableName(baseTable.Name, index.Name),
            [new ColumnDefinition(ValueColumn, baseTable.Regular[column].Type)],
            [
                new Core.Schema.ClusteringColumn(TokenColumn, ColumnType.BigInt),
                new Core.Schema.ClusteringColumn(KeyColumn, ColumnType.Blob),
                new Core.Schema.ClusteringColumn(ClusteringColumn, ColumnType.Blob),
            ],
            [],
            // Entries are short-lived when the column changes often: tombstones and expired entries go at the base table's pace.
            new TableOptions { GcGraceSeconds = baseTable.Options.GcGraceSeconds, Compression = baseTable.Options.Compression },
            index.Id);
    }

    public static string TableName(string baseTable, string index) => $"{baseTable}.{index}";

    /// <summary>Whether a table name is an index table's (user tables cannot contain a dot).</summary>
    public static bool IsIndexTable(string tableName) => tableName.Contains('.', StringComparison.Ordinal);
}
