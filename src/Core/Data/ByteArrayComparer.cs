namespace RingStore.Core.Data;

/// <summary>Unsigned lexicographic (memcmp) order and content equality for byte arrays.</summary>
public sealed class ByteArrayComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => (int)System.IO.Hashing.XxHash32.HashToUInt32(obj);
}
