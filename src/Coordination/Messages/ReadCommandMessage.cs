using MessagePack;
using RingStore.Core.Data;
using RingStore.Core.Reads;

namespace RingStore.Coordination;

/// <summary>
/// A read of one partition slice sent to a replica. <see cref="DigestOnly"/> asks for the digest of the answer
/// instead of the answer itself. <see cref="PagingState"/> is the clustering of the last row of the previous page
/// (null for the first page). <see cref="Slices"/> carries a multi-slice read (IN on clustering values) as start/end
/// pairs; null for a one-slice read (a node that predates it reads <see cref="Start"/>/<see cref="End"/> only).
/// </summary>
[MessagePackObject]
public sealed record ReadCommandMessage(
    [property: Key(0)] int Version,
    [property: Key(1)] string Table,
    [property: Key(2)] byte[] PartitionKey,
    [property: Key(3)] SliceBoundMessage Start,
    [property: Key(4)] SliceBoundMessage End,
    [property: Key(5)] bool Reversed,
    [property: Key(6)] int Limit,
    [property: Key(7)] byte[]? PagingState,
    [property: Key(8)] bool DigestOnly,
    [property: Key(9)] SliceBoundMessage[]? Slices = null)
{
    public static ReadCommandMessage For(SliceQuery query, bool digestOnly)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new(CoordinationMessageSerializer.CurrentVersion, query.Table, query.PartitionKey,
            SliceBoundMessage.From(query.Slice.Start), SliceBoundMessage.From(query.Slice.End),
            query.Reversed, query.Limit, query.PagingState, digestOnly,
            query.Slices?.SelectMany(s => new[] { SliceBoundMessage.From(s.Start), SliceBoundMessage.From(s.End) }).ToArray());
    }

    /// <exception cref="FormatException">A bad bound or a non-positive limit.</exception>
    public SliceQuery ToSliceQuery()
    {
        if (Limit <= 0)
        {
            throw new FormatException($"Read limit must be positive, got {Limit}.");
        }
        if (Slices is not null)
        {
            if (Slices.Length == 0 || Slices.Length % 2 != 0) throw new FormatException($"Multi-slice read with {Slices.Length} bounds (need start/end pairs).");
            var slices = new ClusteringSlice[Slices.Length / 2];
            for (int i = 0; i < slices.Length; i++) slices[i] = new ClusteringSlice(Slices[2 * i].ToBound(), Slices[2 * i + 1].ToBound());
            return SliceQuery.MultiSlice(Table, PartitionKey, slices, Reversed, Limit, PagingState);
        }
        var slice = new ClusteringSlice(Start.ToBound(), End.ToBound());
        return new SliceQuery(Table, PartitionKey, slice, Reversed, Limit, PagingState);
    }
}
