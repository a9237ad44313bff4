using RingStore.Core.Data;

namespace RingStore.Node.Cql;

/// <summary>
/// The measure of a SELECT page's byte limit: a row's clustering key and cell values plus a small per-cell overhead,
/// close to what the row costs in the gRPC reply. The default limit (Node option ResultPageMaxKiB) stays far below the
/// SDK's 64 MiB message limit, so a page of large values is cut early and the client follows the paging state.
/// </summary>
public static class PageBytes
{
    public const long DefaultLimit = 4L << 20;

    public static long Of(Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        long size = row.Clustering.Length + 16;
        foreach (var cell in row.Cells) size += (cell.Value?.Length ?? 0) + 8;
        return size;
    }
}
