using CsCheck;
using RingStore.Storage.Memtables;

namespace RingStore.Storage.Tests.Memtables;

/// <summary>
/// The flush and range-read order of a memtable's partitions: by token, then by key bytes among equal tokens. Murmur3
/// collisions cannot be made on purpose, so the sort is fed made-up tokens from a small range (many ties) and random
/// keys, against LINQ's ordering as the model.
/// </summary>
public sealed class TokenOrderTests
{
    private sealed class Bytes : IComparer<byte[]>
    {
        public static readonly Bytes Order = new();

        public int Compare(byte[]? a, byte[]? b) => a.AsSpan().SequenceCompareTo(b);
    }

    [Fact]
    public void Sorts_by_token_then_by_key_like_the_model()
    {
        var genItem = Gen.Select(Gen.Long[-4, 4], Gen.Byte[0, 3].Array[0, 3]);
        genItem.Array[0, 200].Sample(items =>
        {
            var tokens = items.Select(i => i.Item1).ToArray();
            var keys = items.Select(i => i.Item2).ToArray();
            TokenOrder.Sort(tokens, keys, Bytes.Order);
            var model = items.OrderBy(i => i.Item1).ThenBy(i => i.Item2, Bytes.Order).ToArray();
            Assert.Equal(model.Select(i => i.Item1), tokens);
            Assert.Equal(model.Select(i => Convert.ToHexString(i.Item2)), keys.Select(Convert.ToHexString));
        });
    }

    [Fact]
    public void Extreme_tokens_sort_as_signed_values()
    {
        long[] tokens = [long.MaxValue, 0, long.MinValue, -1, long.MinValue];
        byte[][] keys = [[5], [4], [3], [2], [1]];
        TokenOrder.Sort(tokens, keys, Bytes.Order);
        Assert.Equal([long.MinValue, long.MinValue, -1, 0, long.MaxValue], tokens);
        Assert.Equal([1, 3, 2, 4, 5], keys.Select(k => (int)k[0]));
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TokenOrder.Sort(new long[2], new byte[1][], Bytes.Order));
    }
}
