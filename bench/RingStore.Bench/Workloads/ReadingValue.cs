namespace RingStore.Bench.Workloads;

/// <summary>
/// The value written for row (id, timestamp): bytes derived from the key alone, so a reader can tell a right value
/// from a wrong one (another row's, a stale or a torn one) without keeping every value in memory.
/// </summary>
public static class ReadingValue
{
    public static byte[] For(long id, long timestampMillis, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var bytes = new byte[length];
        ulong state = (ulong)id * 0x9E3779B97F4A7C15UL ^ (ulong)timestampMillis;
        for (int i = 0; i < length; i += 8)
        {
            ulong next = SplitMix64(ref state);
            for (int j = 0; j < 8 && i + j < length; j++) bytes[i + j] = (byte)(next >> (8 * j));
        }
        return bytes;
    }

    public static bool Matches(long id, long timestampMillis, int length, ReadOnlySpan<byte> value) =>
        value.Length == length && value.SequenceEqual(For(id, timestampMillis, length));

    // SplitMix64 (Steele, Lea, Flood 2014): a fast, well-mixed sequence from a 64-bit state.
    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
