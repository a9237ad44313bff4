using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Coordination.Scatter;
using RingStore.Node.Cql;
using RingStore.Node.Requests;
using RingStore.Storage.Indexes;

namespace RingStore.Node.Indexes;

/// <summary>
/// Pages a SELECT answered by a local secondary index: the token span after the paging position is cut into vnode
/// pieces (one replica set each) and fanned out by scatter-gather (bounded adaptive concurrency, per-piece budget,
/// hedging; sequentially when scatter-gather is off). Each piece asks its replicas' indexes for candidates
/// (<see cref="IndexLookupCoordinator"/>), reads each candidate's base row through the read coordinator at the query's
/// consistency (merge, read repair) and keeps it only if that newest row still satisfies every restriction
/// (<see cref="RowFilter"/>, which holds the indexed equality): stale entries after updates, deletions or expiry never
/// return a row. A piece stops once it alone fills the page, and the scan stops launching pieces once the rows
/// delivered reach the page (LIMIT stops early). The paging state is the range scans' single position (token, key,
/// clustering of the last row), so pages resume exactly after the last row.
/// </summary>
public sealed class IndexPager(IndexLookupCoordinator lookups, ReadCoordinator reads, RangeReadCoordinator rangeReads, ScatterGatherDriver? scatter,
    TableSchema table, string index, byte[] value, byte[]? partitionKey, RowFilter filter, ConsistencyLevel consistency) : IPager
{
    /// <summary>Entries asked of each replica per lookup: enough for a page, few enough that base reads stay bounded.</summary>
    public const int EntriesPerLookup = 100;

    private sealed record Piece(List<SelectedRow> Rows, List<long> Bytes, List<byte[]> Keys);

    public async Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        long startExclusive = long.MinValue, endInclusive = long.MaxValue;
        if (partitionKey is not null)
        {
            // One partition: only its token (a token is never long.MinValue, see Murmur3Partitioner).
            endInclusive = Murmur3Partitioner.GetToken(partitionKey).Value;
            startExclusive = endInclusive - 1;
        }
        var after = state?.PartitionKey is not null
            ? new RangePosition(new Token(state.Token), state.PartitionKey, state.Clustering ?? [])
            : RangePosition.AfterToken(new Token(startExclusive));
        var ranges = ScatterRange.InOrder(rangeReads.PiecesAfter(table.Keyspace, after, endInclusive));
        if (ranges.Count == 0) return new PageResult([], null);
        int perLookup = (int)Math.Clamp((long)wanted + 1, 1, EntriesPerLookup);

        async Task<RangeAttemptResult<Piece>> ReadRange(ScatterRange range, int attempt, CancellationToken token)
        {
            var from = range.Index == 0 ? after : RangePosition.AfterToken(new Token(range.StartExclusive));
            var piece = new Piece([], [], []);
            long bytes = 0;
            RangePosition? next = from;
            while (next is not null)
            {
                var found = await lookups.LookupPieceAsync(table.Keyspace, table.FullName, index, value, next, range.EndInclusive, consistency, perLookup,
                    attempt, token).ConfigureAwait(false);
                var hits = found.Hits.Where(h => partitionKey is null || h.PartitionKey.AsSpan().SequenceEqual(partitionKey)).ToList();
                // The candidates' base rows, read in parallel at the query's level; kept in ring order.
                var rows = await Task.WhenAll(hits.Select(h => ReadBaseRowAsync(h, token))).ConfigureAwait(false);
                for (int i = 0; i < hits.Count; i++)
                {
                    if (rows[i] is not { } selected) continue;
                    piece.Rows.Add(selected);
                    long size = PageBytes.Of(selected.Row);
                    piece.Bytes.Add(size);
                    piece.Keys.Add(hits[i].PartitionKey);
                    bytes += size;
                    if (piece.Rows.Count == wanted || bytes >= maxBytes) return new(piece, piece.Rows.Count, true);
                }
                if (found.Resume is { } resume && Compare(resume, next) <= 0)
                    throw new InvalidOperationException($"index lookup of {table.FullName}.{index} did not advance past {next}");
                next = found.Resume;
            }
            return new(piece, piece.Rows.Count, false);
        }

        IReadOnlyList<(ScatterRange Range, Piece Value)> delivered;
        if (scatter is { Settings.Enabled: true })
        {
            var outcome = await scatter.RunAsync(ranges, wanted, false, ReadRange, ParallelRangePager.Retryable,
                (range, error) => error ?? new ReadTimeoutException(consistency, 0, 1, false), ct).ConfigureAwait(false);
            delivered = outcome.Delivered;
        }
        else
        {
            var sequential = new List<(ScatterRange, Piece)>();
            long total = 0;
            foreach (var range in ranges)
            {
                var result = await ReadRange(range, 0, ct).ConfigureAwait(false);
                sequential.Add((range, result.Value));
                total += result.Rows;
                if (total >= wanted) break;
            }
            delivered = sequential;
        }

        // Assemble in token order; the page ends at the row that fills it (rows or bytes).
        var page = new List<SelectedRow>();
        long pageBytes = 0;
        for (int i = 0; i < delivered.Count; i++)
        {
            var (range, piece) = delivered[i];
            for (int r = 0; r < piece.Rows.Count; r++)
            {
                page.Add(piece.Rows[r]);
                pageBytes += piece.Bytes[r];
                if (page.Count == wanted || pageBytes >= maxBytes)
                {
                    var row = piece.Rows[r];
                    return new PageResult(page, new CqlPagingState(0, row.Row.Clustering, 0, row.Token.Value, piece.Keys[r]));
                }
            }
        }
        return new PageResult(page, null);
    }

    /// <summary>The candidate's row at the query's consistency, if it is live and still matches; else null.</summary>
    private async Task<SelectedRow?> ReadBaseRowAsync(IndexHit hit, CancellationToken ct)
    {
        var query = new SliceQuery(table.FullName, hit.PartitionKey, ClusteringSlice.Exactly(hit.Clustering), Limit: 1);
        var result = await reads.ReadAsync(table.Keyspace, query, consistency, ct).ConfigureAwait(false);
        if (result.Rows.FirstOrDefault() is not { } row || !row.Clustering.AsSpan().SequenceEqual(hit.Clustering)) return null;
        var key = PartitionKeyCodec.Deserialize(table.PartitionKey, hit.PartitionKey);
        if (!filter.Matches(key, ClusteringKeyCodec.Decode(table.Clustering, row.Clustering), row)) return null;
        return new SelectedRow(key, new Token(hit.Token), row);
    }

    private static int Compare(RangePosition a, RangePosition b) =>
        IndexLookupCoordinator.Compare(new IndexHit(a.Token.Value, a.Key ?? [], a.Clustering ?? []), new IndexHit(b.Token.Value, b.Key ?? [], b.Clustering ?? []));
}
