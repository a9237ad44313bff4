using MessagePack;
using RingStore.Core.Data;

namespace RingStore.Coordination;

/// <summary>One end of a clustering slice: open, or an encoded clustering prefix, inclusive or exclusive.</summary>
[MessagePackObject]
public sealed record SliceBoundMessage(
    [property: Key(0)] SliceBoundKind Kind,
    [property: Key(1)] byte[] Prefix)
{
    public static readonly SliceBoundMessage Open = new(SliceBoundKind.Open, []);

    public static SliceBoundMessage From(ClusteringBound bound) =>
        bound.IsUnbounded ? Open : new(bound.Inclusive ? SliceBoundKind.Inclusive : SliceBoundKind.Exclusive, bound.Prefix);

    /// <exception cref="FormatException">An unknown kind, or a bounded end without a prefix.</exception>
    public ClusteringBound ToBound() => Kind switch
    {
        SliceBoundKind.Open => ClusteringBound.Unbounded,
        SliceBoundKind.Inclusive or SliceBoundKind.Exclusive when Prefix is { Length: > 0 } =>
            new ClusteringBound(Prefix, Kind == SliceBoundKind.Inclusive),
        _ => throw new FormatException($"Bad slice bound {Kind} with {Prefix?.Length ?? 0} prefix byte(s)."),
    };
}
