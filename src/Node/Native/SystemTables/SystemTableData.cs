namespace RingStore.Node.Native.SystemTables;

/// <summary>A virtual table's columns and rows as CLR values (string, int, Guid, IPAddress, sets, maps ...).</summary>
public sealed record SystemTableData(IReadOnlyList<NativeColumn> Columns, IReadOnlyList<object?[]> Rows)
{
    public static SystemTableData Empty(params NativeColumn[] columns) => new(columns, []);
}
