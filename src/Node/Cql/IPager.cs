namespace RingStore.Node.Cql;

/// <summary>Reads a SELECT one page at a time.</summary>
public interface IPager
{
    /// <param name="state">Where the previous page stopped; null for the first page.</param>
    /// <param name="wanted">The most rows to return (positive).</param>
    /// <param name="maxBytes">The page also ends after the row that brings it to this many bytes (<see cref="PageBytes"/>),
    /// with a paging state, so a page of large values stays bounded; at least one row is always returned.</param>
    Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct, long maxBytes = long.MaxValue);
}
