using RingStore.Core.Consistency;
using RingStore.Core.Data;
using RingStore.Core.Errors;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;

namespace RingStore.Node.Cql;

/// <summary>
/// IN on the partition key with ORDER BY a clustering column: the partitions' rows merged in the requested clustering
/// order (ties in IN order), as Cassandra returns them, so <c>ORDER BY ts DESC LIMIT n</c> over several partitions is a
/// top-N. Each page reads, in parallel, at most the page's row count from each partition (fewer when PER PARTITION
/// LIMIT leaves fewer; each read's row limit reaches the replicas), merges them and keeps the first rows. Nothing past
/// them is lost: the paging state holds a cursor per partition (its last row taken, rows taken, done), so the next
/// page reads every partition from where it stands: opaque to the client and safe to replay. A partition with a
/// coordinator-side filter (ALLOW FILTERING) is read on until it has enough matching rows or ends.
/// </summary>
public sealed class MergedPartitionPager(ReadCoordinator reads, string keyspace, TableSchema table,
    IReadOnlyList<(byte[] Key, IReadOnlyList<ClusteringSlice> Slices)> segments, bool reversed, RowFilter filter, ConsistencyLevel consistency,
    long perPartitionLimit = long.MaxValue) : IPager
{
    /// <summary>Rows one read asks for under a filter that may drop rows.</summary>
    private const int FilteredBatch = 100;

    private sealed record Head(List<SelectedRow> Rows, bool Exhausted);

    public async Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        var cursors = state?.Cursors ?? Enumerable.Repeat(SegmentCursor.Start, segments.Count).ToList();
        if (cursors.Count != segments.Count) throw new InvalidRequestException("Invalid value for the paging state");
        var heads = await Task.WhenAll(segments.Select((_, i) => ReadHeadAsync(i, cursors[i], wanted, ct))).ConfigureAwait(false);

        var next = cursors.ToArray();
        var taken = new int[segments.Count];
        var rows = new List<SelectedRow>();
        long bytes = 0;
        while (rows.Count < wanted && bytes < maxBytes)
        {
            int best = -1;
            for (int i = 0; i < heads.Length; i++)
            {
                if (taken[i] == heads[i].Rows.Count) continue;
                if (best < 0 || Before(heads[i].Rows[taken[i]], heads[best].Rows[taken[best]])) best = i;
            }
            // A head holds `wanted` rows unless its partition has no more, so running out means the merge is complete.
            if (best < 0) break;
            var row = heads[best].Rows[taken[best]++];
            rows.Add(row);
            bytes += PageBytes.Of(row.Row);
            next[best] = new SegmentCursor(row.Row.Clustering, next[best].Rows + 1, false);
        }
        for (int i = 0; i < next.Length; i++)
        {
            if (next[i].Done) continue;
            bool drained = taken[i] == heads[i].Rows.Count && heads[i].Exhausted;
            if (drained || next[i].Rows >= perPartitionLimit) next[i] = next[i] with { Done = true };
        }
        return new PageResult(rows, next.All(c => c.Done) ? null : new CqlPagingState(0, null, 0, 0, null) { Cursors = next });
    }

    /// <summary>Whether <paramref name="a"/> (of an earlier or the same partition in IN order) comes before <paramref name="b"/>: strictly before in the query's clustering order.</summary>
    private bool Before(SelectedRow a, SelectedRow b)
    {
        int c = ByteOrder.Instance.Compare(a.Row.Clustering, b.Row.Clustering);
        return reversed ? c > 0 : c < 0;
    }

    /// <summary>Up to <paramref name="wanted"/> rows of segment <paramref name="index"/> after its cursor; Exhausted when it has no more.</summary>
    private async Task<Head> ReadHeadAsync(int index, SegmentCursor cursor, int wanted, CancellationToken ct)
    {
        var rows = new List<SelectedRow>();
        long need = Math.Min(wanted, perPartitionLimit - cursor.Rows);
        if (cursor.Done || need <= 0) return new Head(rows, true);
        var (key, slices) = segments[index];
        var partitionKey = PartitionKeyCodec.Deserialize(table.PartitionKey, key);
        var token = Murmur3Partitioner.GetToken(key);
        byte[]? after = cursor.After;
        while (true)
        {
            int limit = filter.IsEmpty ? (int)(need - rows.Count) : (int)Math.Max(need - rows.Count, FilteredBatch);
            var query = slices.Count == 1
                ? new SliceQuery(table.FullName, key, slices[0], reversed, limit, after)
                : SliceQuery.MultiSlice(table.FullName, key, slices, reversed, limit, after);
            var result = await reads.ReadAsync(keyspace, query, consistency, ct).ConfigureAwait(false);
            foreach (var row in result.Rows)
            {
                if (!filter.IsEmpty && !filter.Matches(partitionKey, ClusteringKeyCodec.Decode(table.Clustering, row.Clustering), row)) continue;
                rows.Add(new SelectedRow(partitionKey, token, row));
                if (rows.Count == need) return new Head(rows, cursor.Rows + rows.Count >= perPartitionLimit);
            }
            // No paging state (or no progress) means the partition is done.
            if (result.PagingState is not { } next || (after is not null && next.AsSpan().SequenceEqual(after))) return new Head(rows, true);
            after = next;
        }
    }
}
