using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;

namespace RingStore.Node.Cql;

/// <summary>
/// Pages through known partitions: a list of (partition, clustering slices) segments read in order, each through
/// the single-partition read coordinator with its consistency level, read repair and paging state. Partitions
/// come in the order of the IN list; a partition's slices (IN on clustering values) are one multi-slice read, rows
/// in clustering order across them (backwards for a reversed read). Coordinator-side
/// filters (ALLOW FILTERING) drop rows after the read; the loop keeps reading until the page is full.
/// <paramref name="perPartitionLimit"/> (PER PARTITION LIMIT): a segment ends after that many rows; each read asks for at
/// most what is left of it, so the limit reaches the replicas as the read's row limit (with the read coordinator's usual
/// merge); the rows already taken from the current segment travel in the paging state.
/// </summary>
public sealed class PartitionPager(ReadCoordinator reads, string keyspace, TableSchema table, IReadOnlyList<(byte[] Key, IReadOnlyList<ClusteringSlice> Slices)> segments,
    bool reversed, RowFilter filter, ConsistencyLevel consistency, long perPartitionLimit = long.MaxValue) : IPager
{
    public async Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        var rows = new List<SelectedRow>();
        long bytes = 0;
        int segment = state?.Segment ?? 0;
        byte[]? after = state?.Clustering;
        long taken = state?.PartitionRows ?? 0;
        while (rows.Count < wanted && segment < segments.Count)
        {
            if (taken >= perPartitionLimit)
            {
                segment++;
                after = null;
                taken = 0;
                continue;
            }
            var (key, slices) = segments[segment];
            int limit = (int)Math.Min(wanted - rows.Count, perPartitionLimit - taken);
            var query = slices.Count == 1
                ? new SliceQuery(table.FullName, key, slices[0], reversed, limit, after)
                : SliceQuery.MultiSlice(table.FullName, key, slices, reversed, limit, after);
            var result = await reads.ReadAsync(keyspace, query, consistency, ct).ConfigureAwait(false);
            var partitionKey = PartitionKeyCodec.Deserialize(table.PartitionKey, key);
            var token = Murmur3Partitioner.GetToken(key);
            foreach (var row in result.Rows)
            {
                if (!filter.IsEmpty && !filter.Matches(partitionKey, ClusteringKeyCodec.Decode(table.Clustering, row.Clustering), row)) continue;
                rows.Add(new SelectedRow(partitionKey, token, row));
                taken++;
                bytes += PageBytes.Of(row);
                // Full by bytes: the next page resumes after this row of the same segment.
                if (bytes >= maxBytes && rows.Count < wanted)
                    return new PageResult(rows, new CqlPagingState(segment, row.Clustering, 0, 0, null) { PartitionRows = taken });
                if (taken >= perPartitionLimit) break;
            }
            // No paging state (or no progress) means the segment is done.
            if (taken < perPartitionLimit && result.PagingState is { } next && (after is null || !next.AsSpan().SequenceEqual(after)))
            {
                after = next;
            }
            else
            {
                segment++;
                after = null;
                taken = 0;
            }
        }
        return new PageResult(rows, segment < segments.Count ? new CqlPagingState(segment, after, 0, 0, null) { PartitionRows = taken } : null);
    }
}
