namespace RingStore.Core.Data;

/// <summary>An interval of clustering keys [Start, End] with per-end inclusivity, in clustering order.</summary>
public readonly record struct ClusteringSlice(ClusteringBound Start, ClusteringBound End)
{
    public static readonly ClusteringSlice All = new(ClusteringBound.Unbounded, ClusteringBound.Unbounded);

    public bool Contains(ReadOnlySpan<byte> key) => Start.AdmitsAsStart(key) && End.AdmitsAsEnd(key);

    /// <summary>Exactly one full clustering key.</summary>
    public static ClusteringSlice Exactly(byte[] key) => new(new ClusteringBound(key, true), new ClusteringBound(key, true));
}
