using RingStore.Client.Protos;

namespace RingStore.Bench.Verification;

/// <summary>Every page of a partition read, merged into one response (the final checks read whole partitions).</summary>
public static class PagedRead
{
    /// <summary>At most this many pages: a bound on the loop, far above any partition the benchmarks write.</summary>
    public const int MaxPages = 10_000;

    public static async Task<ReadResponse> AllPagesAsync(Func<ReadRequest, CancellationToken, Task<ReadResponse>> read, ReadRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(request);
        var all = await read(request, ct).ConfigureAwait(false);
        var page = all;
        for (int pages = 0; !page.PagingState.IsEmpty && pages < MaxPages; pages++)
        {
            var next = request.Clone();
            next.PagingState = page.PagingState;
            page = await read(next, ct).ConfigureAwait(false);
            all.Rows.AddRange(page.Rows);
        }
        return all;
    }
}
