namespace RingStore.Core.Data;

/// <summary>
/// One end of a clustering interval: an encoded clustering prefix (see ClusteringKeyCodec) and
/// whether it is inclusive. A prefix with fewer components than the key covers every key that
/// starts with it. Because component encodings are prefix-free, all tests are byte comparisons:
///   start inclusive: key >= P;         start exclusive: key[..|P|] > P;
///   end inclusive:   key[..|P|] <= P;  end exclusive:   key < P.
/// An empty prefix is unbounded.
/// </summary>
public readonly record struct ClusteringBound(byte[] Prefix, bool Inclusive)
{
    public static readonly ClusteringBound Unbounded = new([], true);

    public bool IsUnbounded => Prefix.Length == 0;

    public bool AdmitsAsStart(ReadOnlySpan<byte> key)
    {
        if (IsUnbounded) return true;
        return Inclusive
            ? key.SequenceCompareTo(Prefix) >= 0
            : key[..Math.Min(key.Length, Prefix.Length)].SequenceCompareTo(Prefix) > 0;
    }

    public bool AdmitsAsEnd(ReadOnlySpan<byte> key)
    {
        if (IsUnbounded) return true;
        return Inclusive
            ? key[..Math.Min(key.Length, Prefix.Length)].SequenceCompareTo(Prefix) <= 0
            : key.SequenceCompareTo(Prefix) < 0;
    }

    public bool Equals(ClusteringBound other) => Inclusive == other.Inclusive && Prefix.AsSpan().SequenceEqual(other.Prefix);
    public override int GetHashCode() => HashCode.Combine(Inclusive, Prefix.Length);
}
