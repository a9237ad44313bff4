namespace RingStore.Node.Native;

/// <summary>Writes RESULT bodies (kind, then the kind's content) as protocol v4 lays them out.</summary>
public static class NativeResultEncoder
{
    private const int VoidKind = 1;
    private const int RowsKind = 2;
    private const int SetKeyspaceKind = 3;
    private const int PreparedKind = 4;
    private const int SchemaChangeKind = 5;

    private const int GlobalTablesSpec = 0x0001;
    private const int HasMorePages = 0x0002;
    private const int NoMetadata = 0x0004;

    public static void Void(NativeWriter w) => w.WriteInt(VoidKind);

    public static void SetKeyspace(NativeWriter w, string keyspace)
    {
        w.WriteInt(SetKeyspaceKind);
        w.WriteString(keyspace);
    }

    public static void Rows(NativeWriter w, NativeRows rows, bool skipMetadata)
    {
        ArgumentNullException.ThrowIfNull(rows);
        w.WriteInt(RowsKind);
        Metadata(w, rows.Keyspace, rows.Table, rows.Columns, rows.PagingState, skipMetadata);
        w.WriteInt(rows.Rows.Count);
        foreach (var row in rows.Rows)
        {
            foreach (var cell in row)
            {
                if (cell is null) w.WriteInt(-1);
                else w.WriteBytes(cell);
            }
        }
    }

    public static void Prepared(NativeWriter w, NativePrepared prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        w.WriteInt(PreparedKind);
        w.WriteShortBytes(prepared.Id);
        // Bind metadata: flags, columns, then the partition-key marker indexes (v4) drivers route by.
        w.WriteInt(prepared.BindColumns.Count > 0 ? GlobalTablesSpec : 0);
        w.WriteInt(prepared.BindColumns.Count);
        w.WriteInt(prepared.PartitionKeyIndexes.Count);
        foreach (int index in prepared.PartitionKeyIndexes) w.WriteShort((ushort)index);
        if (prepared.BindColumns.Count > 0)
        {
            w.WriteString(prepared.Keyspace);
            w.WriteString(prepared.Table);
        }
        foreach (var column in prepared.BindColumns)
        {
            w.WriteString(column.Name);
            column.Type.WriteTo(w);
        }
        if (prepared.ResultColumns is null)
        {
            w.WriteInt(NoMetadata);
            w.WriteInt(0);
        }
        else
        {
            Metadata(w, prepared.Keyspace, prepared.Table, prepared.ResultColumns, null, skipMetadata: false);
        }
    }

    public static void SchemaChange(NativeWriter w, NativeSchemaChange change)
    {
        w.WriteInt(SchemaChangeKind);
        SchemaChangeBody(w, change);
    }

    /// <summary>The part a SchemaChange result shares with the SCHEMA_CHANGE event.</summary>
    public static void SchemaChangeBody(NativeWriter w, NativeSchemaChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        w.WriteString(change.ChangeType);
        w.WriteString(change.Target);
        w.WriteString(change.Keyspace);
        if (change.Table is not null) w.WriteString(change.Table);
    }

    private static void Metadata(NativeWriter w, string keyspace, string table, IReadOnlyList<NativeColumn> columns, byte[]? pagingState, bool skipMetadata)
    {
        int flags = (skipMetadata ? NoMetadata : GlobalTablesSpec) | (pagingState is null ? 0 : HasMorePages);
        w.WriteInt(flags);
        w.WriteInt(columns.Count);
        if (pagingState is not null) w.WriteBytes(pagingState);
        if (skipMetadata) return;
        w.WriteString(keyspace);
        w.WriteString(table);
        foreach (var column in columns)
        {
            w.WriteString(column.Name);
            column.Type.WriteTo(w);
        }
    }
}
