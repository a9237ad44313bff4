namespace RingStore.Storage.Memtables;

/// <summary>
/// Sorts items by their tokens, then each run of equal tokens (Murmur3 collisions, rare) by a tie order: the order
/// flushes and range reads walk a memtable in. The tokens are sorted as plain longs, carrying the items along, so there
/// is no delegate call per comparison: a comparison lambda over the partitions was ~1.4 % of the three nodes' CPU in a
/// profile of the cluster benchmark's write phase (each flush sorts ~100k partitions).
/// </summary>
internal static class TokenOrder
{
    /// <summary>Sorts <paramref name="tokens"/> and <paramref name="items"/> (same length, item i has token i) together.</summary>
    public static void Sort<T>(long[] tokens, T[] items, IComparer<T> tieOrder)
    {
        if (tokens.Length != items.Length) throw new ArgumentException("One token per item.", nameof(tokens));
        Array.Sort(tokens, items);
        for (int i = 0; i < tokens.Length;)
        {
            int end = i + 1;
            while (end < tokens.Length && tokens[end] == tokens[i]) end++;
            if (end - i > 1) Array.Sort(items, i, end - i, tieOrder);
            i = end;
        }
    }
}
