namespace RingStore.Node.Cql;

/// <summary>Unsigned lexicographic order of byte arrays: the order of encoded clustering keys and partition keys.</summary>
public sealed class ByteOrder : IComparer<byte[]>
{
    public static ByteOrder Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
