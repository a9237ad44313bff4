using RingStore.Core.Data;

namespace RingStore.Core.Reads;

/// <summary>
/// A read of one partition: a clustering slice, forward or reversed, at most <see cref="Limit"/>
/// live rows, resuming after the row named by <see cref="PagingState"/> (the clustering key of the
/// last row of the previous page). <see cref="Slices"/>, when set, makes it a multi-slice read (IN on clustering values):
/// the union of several slices read in one pass through the merge.
/// </summary>
public sealed record SliceQuery(
    string Table,
    byte[] PartitionKey,
    ClusteringSlice Slice,
    bool Reversed = false,
    int Limit = int.MaxValue,
    byte[]? PagingState = null)
{
    public static SliceQuery WholePartition(string table, byte[] partitionKey) => new(table, partitionKey, ClusteringSlice.All);

    /// <summary>
    /// Several slices read as one: sorted by start in stored order and disjoint (as <c>IN</c> on clustering values gives
    /// them), rows returned in clustering order across them (backwards when <see cref="Reversed"/>), one limit and one
    /// paging state for all. Null: just <see cref="Slice"/> (which a multi-slice query sets to the first slice, ignored).
    /// </summary>
    public IReadOnlyList<ClusteringSlice>? Slices { get; init; }

    /// <summary>A multi-slice query; <paramref name="slices"/> sorted by start and disjoint.</summary>
    public static SliceQuery MultiSlice(string table, byte[] partitionKey, IReadOnlyList<ClusteringSlice> slices, bool reversed = false,
        int limit = int.MaxValue, byte[]? pagingState = null)
    {
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count == 0) throw new ArgumentException("A multi-slice query needs at least one slice.", nameof(slices));
        return new SliceQuery(table, partitionKey, slices[0], reversed, limit, pagingState) { Slices = slices };
    }

    /// <summary>
    /// The slices still to read, in stored order: <see cref="EffectiveSlice"/> for a one-slice query; for a multi-slice
    /// one, the slices past the paging state (the one holding it narrowed to what follows it in the read's direction).
    /// </summary>
    public IReadOnlyList<ClusteringSlice> EffectiveSlices()
    {
        if (Slices is null) return [EffectiveSlice()];
        if (PagingState is null) return Slices;
        var after = new ClusteringBound(PagingState, Inclusive: false);
        var result = new List<ClusteringSlice>(Slices.Count);
        foreach (var s in Slices)
        {
            bool startAdmits = s.Start.AdmitsAsStart(PagingState), endAdmits = s.End.AdmitsAsEnd(PagingState);
            if (!Reversed)
            {
                if (!endAdmits) continue; // wholly before the paging state
                result.Add(startAdmits ? s with { Start = after } : s);
            }
            else
            {
                if (!startAdmits) continue; // wholly after it: already read going backwards
                result.Add(endAdmits ? s with { End = after } : s);
            }
        }
        return result;
    }

    /// <summary>
    /// The slice narrowed to what comes after the paging state in the read's direction. The paging
    /// state is a full key of a row inside the slice, so an exclusive bound on it is always tighter.
    /// </summary>
    public ClusteringSlice EffectiveSlice()
    {
        if (PagingState is null) return Slice;
        var after = new ClusteringBound(PagingState, Inclusive: false);
        return Reversed ? Slice with { End = after } : Slice with { Start = after };
    }
}
