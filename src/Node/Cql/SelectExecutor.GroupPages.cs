using RingStore.Core.Partitioning;
using RingStore.Core.Reads;
using RingStore.Core.Schema;
using RingStore.Core.Values;
using RingStore.Coordination.Scatter;
using RingStore.Node.Cql.Aggregates;

namespace RingStore.Node.Cql;

/// <summary>
/// Paging of GROUP BY the partition key: a page is up to page-size groups (one per partition), LIMIT caps the groups
/// across pages. The paging state is a position, not a cursor into anything held: after the last group's partition
/// (token, key) for a range, the next segment for known partitions, plus the groups returned so far; so it is opaque to
/// the client and safe to replay, and the next page aggregates only what follows it.
/// Pushed-down (range, no filter, scatter-gather on): the vnode pieces after the position are aggregated in batches
/// (8 pieces, then twice as many each time, each batch fanned out in parallel by <see cref="Requests.RangeAggregator"/>)
/// until a batch brings more groups than the page holds: a group never spans pieces (a partition lies in one piece),
/// so every group a batch answers is complete. Otherwise rows are folded here from the pager, starting at the position,
/// until a row of one group more than the page holds appears.
/// </summary>
public sealed partial class SelectExecutor
{
    private const int FirstGroupBatch = 8;

    private async Task<IReadOnlyList<ScatterRange>> GroupPageAsync(TableSchema table, AggregatePlan aggregate, Planned planned, CqlRequest request,
        bool allowPartial, long limit, CqlResult response, CancellationToken ct)
    {
        long soFar = request.Paging?.RowsSoFar ?? 0;
        long remaining = limit - soFar;
        if (remaining <= 0) return [];
        int wanted = (int)Math.Min(request.PageSize, remaining);
        var missing = new List<ScatterRange>();
        bool pushed = planned.IsRange && !planned.HasFilter && aggregator is not null && scatter is { Settings.Enabled: true };
        var (groups, more) = pushed
            ? await PushedGroupsAsync(table, aggregate, planned, request, allowPartial, wanted, missing, ct).ConfigureAwait(false)
            : await FoldedGroupsAsync(table, aggregate, planned, request, wanted, missing, ct).ConfigureAwait(false);

        foreach (var group in groups)
            response.Rows.Add(AggregateRow(table, aggregate, group.State, PartitionKeyCodec.Deserialize(table.PartitionKey, group.Key)));
        long returned = soFar + groups.Count;
        if (!more || returned >= limit || groups.Count == 0) return missing;
        var last = groups[^1];
        var next = planned.IsRange
            ? new CqlPagingState(0, null, returned, last.Token, last.Key)
            : new CqlPagingState(SegmentOf(planned, last.Key) + 1, null, returned, 0, null);
        response.PagingState = next.Serialize();
        // A missing range after the page's last group is tried again by the next page.
        return missing.Where(m => m.StartExclusive < last.Token).ToList();
    }

    /// <summary>Groups after the paging position from the replicas' partial states, batch after batch of pieces.</summary>
    private async Task<(List<AggregateGroup> Groups, bool More)> PushedGroupsAsync(TableSchema table, AggregatePlan aggregate, Planned planned,
        CqlRequest request, bool allowPartial, int wanted, List<ScatterRange> missing, CancellationToken ct)
    {
        var position = request.Paging is { PartitionKey: { } key } p ? (Token: p.Token, Key: key) : ((long Token, byte[] Key)?)null;
        // Resume at the position's token (partitions sharing it with earlier keys are dropped below).
        long start = position is { } at ? Math.Max(planned.Start, at.Token == long.MinValue ? long.MinValue : at.Token - 1) : planned.Start;
        var pieces = rangeReads.PiecesAfter(table.Keyspace, RangePosition.AfterToken(new Token(start)), planned.End);
        var groups = new List<AggregateGroup>();
        int next = 0, batch = FirstGroupBatch;
        while (next < pieces.Count && groups.Count <= wanted)
        {
            int end = Math.Min(pieces.Count, next + batch);
            var outcome = await aggregator!.AggregateAsync(table.Keyspace, table.FullName, aggregate, pieces[next].Start, pieces[end - 1].End,
                request.Consistency, allowPartial, ct).ConfigureAwait(false);
            foreach (var (_, partial) in outcome.Delivered)
                groups.AddRange((partial.Groups ?? []).Where(g => position is not { } at || After(g, at.Token, at.Key)));
            missing.AddRange(outcome.Missing);
            next = end;
            batch *= 2;
        }
        bool more = groups.Count > wanted || next < pieces.Count;
        return (groups.Take(wanted).ToList(), more);
    }

    /// <summary>Groups folded here from the rows the pager reads from the paging position on.</summary>
    private async Task<(List<AggregateGroup> Groups, bool More)> FoldedGroupsAsync(TableSchema table, AggregatePlan aggregate, Planned planned,
        CqlRequest request, int wanted, List<ScatterRange> missing, CancellationToken ct)
    {
        // Where the groups after the position start: after the last group's partition, or at the next segment.
        CqlPagingState? state = request.Paging switch
        {
            null => null,
            { } p when planned.IsRange => p.PartitionKey is null ? null : new CqlPagingState(0, null, 0, p.Token, p.PartitionKey),
            { } p => new CqlPagingState(p.Segment, null, 0, 0, null),
        };
        var groups = new List<AggregateGroup>();
        do
        {
            var page = await planned.Pager.ReadPageAsync(state, CountPageSize, ct, PageMaxBytes).ConfigureAwait(false);
            if (page.Missing is { } m) missing.AddRange(m);
            foreach (var row in page.Rows)
            {
                var key = PartitionKeyCodec.Serialize(table.PartitionKey, row.PartitionKey);
                if (groups.Count == 0 || !groups[^1].Key.AsSpan().SequenceEqual(key))
                {
                    if (groups.Count == wanted) return (groups, true);
                    groups.Add(new AggregateGroup(key, row.Token.Value, AggregateState.For(aggregate)));
                }
                groups[^1].State.Add(aggregate, row.PartitionKey, table, row.Row);
            }
            state = page.Next;
        }
        while (state is not null);
        return (groups, false);
    }

    private static bool After(AggregateGroup group, long token, byte[] key) =>
        group.Token != token ? group.Token > token : ByteOrder.Instance.Compare(group.Key, key) > 0;

    private static int SegmentOf(Planned planned, byte[] key)
    {
        var keys = planned.Keys ?? throw new InvalidOperationException("known-partition plan without keys");
        for (int i = 0; i < keys.Count; i++)
            if (keys[i].AsSpan().SequenceEqual(key)) return i;
        throw new InvalidOperationException("group of a partition the plan does not read");
    }
}
