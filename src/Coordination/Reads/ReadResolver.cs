using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// Merges replicas' answers to one read with the merge rule (Storage's <see cref="PartitionMerger"/>: partition
/// deletion, range tombstones and row deletions shadow older cells), and works out the repair each replica needs.
/// The coordinator writes those repairs and waits for their acks before answering, so a value a QUORUM read
/// returned is on a quorum and no later QUORUM read can miss it.
/// </summary>
public static class ReadResolver
{
    public static ReadResolution Resolve(SliceQuery query, IReadOnlyList<ReplicaReadResponse> responses, int nowSeconds)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(responses);
        var present = responses.Where(r => r.Data is not null).Select(r => r.Data!).ToList();
        if (present.Count == 0)
        {
            return new ReadResolution(null, [],
                responses.ToDictionary(r => r.Endpoint, _ => (PartitionUpdate?)null, StringComparer.Ordinal), null, false);
        }

        var sources = present
            .Select(d => new PartitionSnapshot(d.Key, d.Token, d.PartitionDeletion, d.RangeTombstones, d.Rows))
            .ToList();
        var merged = PartitionMerger.Merge(sources, query.Reversed)!;
        var resolved = new MergedPartitionData(merged.Key, merged.Token, merged.PartitionDeletion,
            merged.RangeTombstones.Distinct().ToList(), merged.Rows.Where(r => !r.IsEmpty).ToList());
        // (A row with no marker, deletion or cell says nothing; dropping it keeps repairs from shipping it.)

        byte[]? boundary = ShortReadBoundary(responses, query);
        var covered = boundary is null
            ? resolved.Rows
            : resolved.Rows.Where(r => RepairDiff.Compare(r.Clustering, boundary, query.Reversed) <= 0).ToList();

        var visible = LiveRows.Filter(covered, nowSeconds).Take(Math.Max(query.Limit, 0)).ToList();
        byte[]? resumeAfter = visible.Count > 0 && visible.Count == query.Limit
            ? visible[^1].Clustering
            : boundary;

        // Rows past the boundary are not answered, and a limit-cut replica did not say whether it has them:
        // they are left to the read of the next page rather than written blindly.
        var repairs = new Dictionary<string, PartitionUpdate?>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            repairs[response.Endpoint] = RepairDiff.For(query.Table, query.PartitionKey, resolved, covered,
                response.Data, query.Reversed);
        }
        return new ReadResolution(resolved, visible, repairs, resumeAfter, boundary is not null)
        {
            ForAbsentReplica = RepairDiff.For(query.Table, query.PartitionKey, resolved, covered, null, query.Reversed),
        };
    }

    /// <summary>
    /// A replica stops after <c>Limit</c> live rows, so an answer with at least <c>Limit</c> rows may have been cut
    /// there (counting rows rather than live rows keeps this independent of the replica's clock). Past the
    /// earliest (in read direction) last row of such answers, a row missing from one of them may exist on it,
    /// newer or deleted: returning it could resurrect or reorder data, so the page stops there. An answer the replica
    /// cut at its reply byte budget (<see cref="ReplicaReadResponse.Truncated"/>) is cut the same way whatever its row
    /// count, so a page short because of bytes ends there and the pager continues from it.
    /// </summary>
    private static byte[]? ShortReadBoundary(IReadOnlyList<ReplicaReadResponse> responses, SliceQuery query)
    {
        byte[]? boundary = null;
        foreach (var response in responses)
        {
            if (response.Data is not { } a || a.Rows.Count == 0) continue;
            bool limitCut = query.Limit != int.MaxValue && query.Limit > 0 && a.Rows.Count >= query.Limit;
            if (!limitCut && !response.Truncated)
            {
                continue;
            }
            var last = a.Rows[^1].Clustering;
            if (boundary is null || RepairDiff.Compare(last, boundary, query.Reversed) < 0)
            {
                boundary = last;
            }
        }
        return boundary;
    }
}
