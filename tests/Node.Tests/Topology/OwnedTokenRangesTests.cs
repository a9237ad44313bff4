using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using RingStore.Node.Topology;

namespace RingStore.Node.Tests.Topology;

public class OwnedTokenRangesTests
{
    // Few distinct bounds, including the extremes, so ranges overlap, touch, wrap and are full rings (Left == Right) often.
    private static readonly long[] Pool = [long.MinValue, long.MinValue + 1, -1_000, -10, -1, 0, 1, 10, 1_000, long.MaxValue - 1, long.MaxValue];

    private static readonly Gen<long> Bound = Gen.OneOf(Gen.Int[0, Pool.Length - 1].Select(i => Pool[i]), Gen.Long);

    private static readonly Gen<TokenRange> Range = Gen.Select(Bound, Bound).Select((l, r) => new TokenRange(new Token(l), new Token(r)));

    [Fact]
    public void Contains_agrees_with_brute_force_over_the_ranges()
    {
        Gen.Select(Range.Array[0, 8], Gen.Long.Array[0, 20]).Sample((ranges, random) =>
        {
            var owned = new OwnedTokenRanges(ranges);
            // Probes: every bound and its neighbours, plus random tokens. long.MinValue is excluded: the partitioner
            // never produces it, and Unwrap drops it on purpose.
            IEnumerable<long> probes = ranges.SelectMany(r => new[] { r.Left.Value, r.Right.Value })
                .SelectMany(v => new[] { v, v == long.MaxValue ? v : v + 1, v == long.MinValue ? v : v - 1 })
                .Concat(Pool).Concat(random).Where(p => p != long.MinValue);
            foreach (long p in probes)
            {
                var token = new Token(p);
                Assert.True(ranges.Any(r => r.Contains(token)) == owned.Contains(token), $"token {p}");
            }
        }, iter: 5_000);
    }

    [Fact]
    public void Examples()
    {
        var owned = new OwnedTokenRanges([new TokenRange(new Token(100), new Token(-100)), new TokenRange(new Token(-100), new Token(0))]);
        Assert.True(owned.Contains(new Token(long.MaxValue)));
        Assert.True(owned.Contains(new Token(long.MinValue + 1)));
        Assert.True(owned.Contains(new Token(-100)));
        Assert.True(owned.Contains(new Token(0)));
        Assert.False(owned.Contains(new Token(1)));
        Assert.False(owned.Contains(new Token(100)));
        Assert.True(owned.Contains(new Token(101)));
        Assert.False(new OwnedTokenRanges([]).Contains(new Token(0)));
        Assert.True(new OwnedTokenRanges([new TokenRange(new Token(5), new Token(5))]).Contains(new Token(-7)));
    }
}
