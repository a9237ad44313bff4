using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Coordination.Scatter;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;

namespace RingStore.Node.Cql;

/// <summary>
/// A token-range scan page read by scatter-gather: the pieces after the paging position fan out in parallel
/// (<see cref="ScatterGatherDriver"/>: bounded, adaptive concurrency; per-range budget; a hedged attempt on another
/// replica for a slow piece), each piece read up to the page's row and byte limits with live rows and filters
/// applied, and the page is assembled from the pieces in token order, so its paging state is the same single
/// position (token, key, clustering of its last row) as the sequential <see cref="RangePager"/>'s: opaque to the client,
/// safe to replay, and interchangeable between the two pagers. With partial results allowed, pieces that could not be
/// read are skipped and listed in <see cref="PageResult.Missing"/>; without, the page fails as before.
/// <paramref name="perPartitionLimit"/> (PER PARTITION LIMIT): each piece cuts its partitions (a partition lies in one
/// piece), the first piece continuing the count of the partition the previous page ended in; the page's state carries the
/// count of its last row's partition (<see cref="PartitionRowCounter"/>), and without a filter the limit goes to the replicas.
/// </summary>
public sealed class ParallelRangePager(RangeReadCoordinator rangeReads, ScatterGatherDriver scatter, string keyspace, TableSchema table,
    long startExclusive, long endInclusive, RowFilter filter, ConsistencyLevel consistency, bool allowPartial, Func<int> nowSeconds,
    long perPartitionLimit = long.MaxValue) : IPager
{
    private sealed record Piece(List<SelectedRow> Rows, List<long> Bytes, List<byte[]> Keys, List<long> Taken);

    public async Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        var after = state?.PartitionKey is not null && state.Token > startExclusive
            ? new RangePosition(new Token(state.Token), state.PartitionKey, state.Clustering)
            : RangePosition.AfterToken(new Token(startExclusive));
        var ranges = ScatterRange.InOrder(rangeReads.PiecesAfter(keyspace, after, endInclusive));
        if (ranges.Count == 0) return new PageResult([], null);
        int now = nowSeconds();
        int perRequest = filter.IsEmpty ? (int)Math.Min((long)wanted + 1, RangeReadCoordinator.RowsPerRequest) : RangeReadCoordinator.RowsPerRequest;

        async Task<RangeAttemptResult<Piece>> ReadRange(ScatterRange range, int attempt, CancellationToken token)
        {
            var from = range.Index == 0 ? after : RangePosition.AfterToken(new Token(range.StartExclusive));
            var piece = new Piece([], [], [], []);
            long bytes = 0;
            var counter = new PartitionRowCounter(perPartitionLimit, range.Index == 0 ? state : null);
            await foreach (var partition in rangeReads.ReadPieceAsync(keyspace, table.FullName, from, range.EndInclusive, consistency, perRequest, attempt, token,
                counter.PushDown(filter, now)).ConfigureAwait(false))
            {
                int position = range.Index == 0 && state?.PartitionKey is not null ? ComparePosition(partition, state) : 1;
                if (position < 0) continue;
                var partitionKey = PartitionKeyCodec.Deserialize(table.PartitionKey, partition.Key);
                counter.Enter(partition.Key);
                foreach (var row in LiveRows.Filter(partition.Rows, now))
                {
                    if (counter.Full) break;
                    if (position == 0 && state!.Clustering is { } last && ByteOrder.Instance.Compare(row.Clustering, last) <= 0) continue;
                    if (!filter.IsEmpty && !filter.Matches(partitionKey, ClusteringKeyCodec.Decode(table.Clustering, row.Clustering), row)) continue;
                    piece.Rows.Add(new SelectedRow(partitionKey, partition.Token, row));
                    counter.Took();
                    long size = PageBytes.Of(row);
                    piece.Bytes.Add(size);
                    piece.Keys.Add(partition.Key);
                    piece.Taken.Add(counter.Taken);
                    bytes += size;
                    // This piece alone fills the page: nothing after it can be on this page.
                    if (piece.Rows.Count == wanted || bytes >= maxBytes) return new(piece, piece.Rows.Count, true);
                }
            }
            return new(piece, piece.Rows.Count, false);
        }

        var outcome = await scatter.RunAsync(ranges, wanted, allowPartial, ReadRange, Retryable,
            (range, error) => Failure(range, error), ct).ConfigureAwait(false);

        // Assemble the page in token order; it ends at the row that fills it (rows or bytes).
        var rows = new List<SelectedRow>();
        long total = 0;
        for (int i = 0; i < outcome.Delivered.Count; i++)
        {
            var (range, piece) = outcome.Delivered[i];
            for (int r = 0; r < piece.Rows.Count; r++)
            {
                rows.Add(piece.Rows[r]);
                total += piece.Bytes[r];
                if (rows.Count == wanted || total >= maxBytes)
                {
                    bool lastOfScan = i == outcome.Delivered.Count - 1 && r == piece.Rows.Count - 1 && range.Index == ranges.Count - 1 && !RangeWasCut(outcome, piece, wanted, maxBytes);
                    var row = piece.Rows[r];
                    var next = lastOfScan ? null : StateAfter(row, piece.Keys[r], piece.Taken[r]);
                    return new PageResult(rows, next, MissingBefore(outcome.Missing, row.Token.Value));
                }
            }
        }
        return new PageResult(rows, null, outcome.Missing);
    }

    /// <summary>The paging state after a row whose partition had <paramref name="taken"/> rows with it (see <see cref="PartitionRowCounter.State"/>).</summary>
    private CqlPagingState StateAfter(SelectedRow row, byte[] key, long taken)
    {
        if (perPartitionLimit == long.MaxValue) return new CqlPagingState(0, row.Row.Clustering, 0, row.Token.Value, key);
        return new CqlPagingState(0, taken >= perPartitionLimit ? null : row.Row.Clustering, 0, row.Token.Value, key) { PartitionRows = taken };
    }

    /// <summary>Whether the last piece stopped at the page's limits (it may hold more rows).</summary>
    private static bool RangeWasCut(ScatterOutcome<Piece> outcome, Piece piece, int wanted, long maxBytes) =>
        piece.Rows.Count == wanted || piece.Bytes.Sum() >= maxBytes;

    /// <summary>Missing ranges the page passed (a range after the page's last row is retried by the next page).</summary>
    private static IReadOnlyList<ScatterRange> MissingBefore(IReadOnlyList<ScatterRange> missing, long token) =>
        missing.Where(m => m.StartExclusive < token).ToList();

    private static int ComparePosition(MergedPartitionData partition, CqlPagingState state)
    {
        int byToken = partition.Token.Value.CompareTo(state.Token);
        return byToken != 0 ? byToken : ByteOrder.Instance.Compare(partition.Key, state.PartitionKey);
    }

    /// <summary>Refusals (a guardrail) and Unavailable would fail the same way on another replica.</summary>
    internal static bool Retryable(Exception e) => e is not (UnavailableException or InvalidRequestException);

    /// <summary>The error of an all-or-error scan that lost a range: its last error, or a ReadTimeout after its budget.</summary>
    internal Exception Failure(ScatterRange range, Exception? error) =>
        error ?? new ReadTimeoutException(consistency, 0, 1, false);
}
