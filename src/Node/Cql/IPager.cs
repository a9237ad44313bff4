namespace RingStore.Node.Cql;

/// <summary>Reads a SELECT one page at a time.</summary>
public interface IPager
{
    /// <param name="state">Where the previous page stopped; null for the first page.</param>
    /// <param name="wanted">The most rows to return (positive).</param>
    Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct);
}
