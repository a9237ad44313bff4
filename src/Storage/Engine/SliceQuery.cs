using RingStore.Core.Data;

namespace RingStore.Storage.Engine;

/// <summary>
/// A read of one partition: a clustering slice, forward or reversed, at most <see cref="Limit"/>
/// live rows, resuming after the row named by <see cref="PagingState"/> (the clustering key of the
/// last row of the previous page).
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
