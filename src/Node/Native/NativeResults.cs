namespace RingStore.Node.Native;

/// <summary>A result column: its name and CQL type.</summary>
public sealed record NativeColumn(string Name, NativeType Type);

/// <summary>
/// A Rows result: the table the columns come from, the columns, each row's encoded cells (null = null cell), and
/// the paging state of the next page (null: last page).
/// </summary>
public sealed record NativeRows(string Keyspace, string Table, IReadOnlyList<NativeColumn> Columns, IReadOnlyList<byte[]?[]> Rows, byte[]? PagingState);

/// <summary>A Prepared result: the id, the bind columns with the markers that give the partition key, the result columns.</summary>
public sealed record NativePrepared(byte[] Id, string Keyspace, string Table, IReadOnlyList<NativeColumn> BindColumns,
    IReadOnlyList<int> PartitionKeyIndexes, IReadOnlyList<NativeColumn>? ResultColumns);

/// <summary>A SchemaChange result or event: CREATED/UPDATED/DROPPED, KEYSPACE/TABLE, the keyspace and the table (null for KEYSPACE).</summary>
public sealed record NativeSchemaChange(string ChangeType, string Target, string Keyspace, string? Table)
{
    /// <summary>Parses the executor's change text ("CREATED TABLE ks.t", "DROPPED KEYSPACE ks").</summary>
    public static NativeSchemaChange? Parse(string change)
    {
        ArgumentNullException.ThrowIfNull(change);
        string[] words = change.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 3) return null;
        if (words[1] == "KEYSPACE") return new NativeSchemaChange(words[0], "KEYSPACE", words[2], null);
        int dot = words[2].IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? null : new NativeSchemaChange(words[0], words[1], words[2][..dot], words[2][(dot + 1)..]);
    }
}
