using RingStore.Core.Consistency;
using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Node.Requests;
using RingStore.Storage.Engine;
using RingStore.Storage.Reads;

namespace RingStore.Node.Cql;

/// <summary>
/// Pages through a token range (SELECT without a partition key, or with token() bounds) with the range-read
/// coordinator: partitions in token order, rows in clustering order, coordinator-side filters applied. The paging
/// state is the last returned row's (token, partition key, clustering); the next page asks the replicas to resume
/// right after that row (a wide partition is not read again from its start). Replicas are asked for about as many rows
/// as the page wants (all of them when a filter may drop rows), so LIMIT 10 over a huge partition reads about 10 rows.
/// Partition keys that share a token are ordered by their bytes.
/// <paramref name="perPartitionLimit"/> (PER PARTITION LIMIT): at most that many rows of each partition (counted across the
/// fragments a reply cut and across pages: <see cref="CqlPagingState.PartitionRows"/>); without a filter it is also sent
/// to the replicas (<see cref="RangeReadCoordinator.PushDown"/>).
/// </summary>
public sealed class RangePager(RangeReadCoordinator rangeReads, string keyspace, TableSchema table, long startExclusive, long endInclusive,
    RowFilter filter, ConsistencyLevel consistency, Func<int> nowSeconds, long perPartitionLimit = long.MaxValue) : IPager
{
    public async Task<PageResult> ReadPageAsync(CqlPagingState? state, int wanted, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        var after = state?.PartitionKey is not null && state.Token > startExclusive
            ? new RangePosition(new Token(state.Token), state.PartitionKey, state.Clustering)
            : RangePosition.AfterToken(new Token(startExclusive));
        var rows = new List<SelectedRow>();
        long bytes = 0;
        int now = nowSeconds();
        // One more than wanted: a page that ends exactly at the end of the range then needs no extra empty page.
        int perRequest = filter.IsEmpty ? (int)Math.Min((long)wanted + 1, RangeReadCoordinator.RowsPerRequest) : RangeReadCoordinator.RowsPerRequest;
        var counter = new PartitionRowCounter(perPartitionLimit, state);
        await foreach (var partition in rangeReads.ReadAsync(keyspace, table.FullName, after, new Token(endInclusive), consistency, perRequest, ct,
            counter.PushDown(filter, now)).ConfigureAwait(false))
        {
            int position = state?.PartitionKey is null ? 1 : ComparePosition(partition, state);
            if (position < 0) continue;
            var partitionKey = PartitionKeyCodec.Deserialize(table.PartitionKey, partition.Key);
            counter.Enter(partition.Key);
            foreach (var row in LiveRows.Filter(partition.Rows, now))
            {
                if (counter.Full) break;
                if (position == 0 && state!.Clustering is { } last && ByteOrder.Instance.Compare(row.Clustering, last) <= 0) continue;
                if (!filter.IsEmpty && !filter.Matches(partitionKey, ClusteringKeyCodec.Decode(table.Clustering, row.Clustering), row)) continue;
                rows.Add(new SelectedRow(partitionKey, partition.Token, row));
                counter.Took();
                bytes += PageBytes.Of(row);
                if (rows.Count == wanted || bytes >= maxBytes)
                    return new PageResult(rows, counter.State(partition.Token.Value, partition.Key, row.Clustering));
            }
        }
        return new PageResult(rows, null);
    }

    private static int ComparePosition(MergedPartitionData partition, CqlPagingState state)
    {
        int byToken = partition.Token.Value.CompareTo(state.Token);
        return byToken != 0 ? byToken : ByteOrder.Instance.Compare(partition.Key, state.PartitionKey);
    }
}
