namespace RingStore.Core.Partitioning;

/// <summary>
/// A position on the Murmur3 ring: a signed 64-bit integer, ordered as a signed long.
/// long.MinValue is never produced by the partitioner (Cassandra maps it to long.MaxValue),
/// which lets it serve as the ring's "minimum token" sentinel.
/// </summary>
public readonly record struct Token(long Value) : IComparable<Token>
{
    public static readonly Token Minimum = new(long.MinValue);
    public static readonly Token Maximum = new(long.MaxValue);

    public int CompareTo(Token other) => Value.CompareTo(other.Value);

    public static bool operator <(Token a, Token b) => a.Value < b.Value;
    public static bool operator >(Token a, Token b) => a.Value > b.Value;
    public static bool operator <=(Token a, Token b) => a.Value <= b.Value;
    public static bool operator >=(Token a, Token b) => a.Value >= b.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
