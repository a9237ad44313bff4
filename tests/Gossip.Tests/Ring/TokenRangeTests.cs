using CsCheck;
using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;

namespace RingStore.Gossip.Tests.Ring;

public class TokenRangeTests
{
    [Fact]
    public void Plain_range_is_left_exclusive_right_inclusive()
    {
        var r = new TokenRange(new Token(10), new Token(20));
        Assert.False(r.Contains(new Token(10)));
        Assert.True(r.Contains(new Token(11)));
        Assert.True(r.Contains(new Token(20)));
        Assert.False(r.Contains(new Token(21)));
        Assert.False(r.IsWrapping);
        Assert.Equal(10UL, r.WidthModulo);
    }

    [Fact]
    public void Wrapping_range_covers_both_ends_of_the_ring()
    {
        var r = new TokenRange(new Token(100), new Token(-100));
        Assert.True(r.IsWrapping);
        Assert.True(r.Contains(new Token(long.MaxValue)));
        Assert.True(r.Contains(new Token(long.MinValue + 1)));
        Assert.True(r.Contains(new Token(-100)));
        Assert.False(r.Contains(new Token(0)));
        Assert.False(r.Contains(new Token(100)));
        Assert.Equal(2, r.Unwrap().Count);
        Assert.Equal(new TokenRange(new Token(100), Token.Maximum), r.Unwrap()[0]);
        Assert.Equal(new TokenRange(Token.Minimum, new Token(-100)), r.Unwrap()[1]);
    }

    [Fact]
    public void Equal_bounds_are_the_full_ring()
    {
        var r = new TokenRange(new Token(5), new Token(5));
        Assert.True(r.IsFullRing);
        Assert.True(r.Contains(new Token(5)));
        Assert.True(r.Contains(new Token(-7)));
        Assert.Equal(1.0, r.RingFraction);
    }

    [Fact]
    public void A_range_and_its_complement_partition_the_ring()
    {
        Gen.Select(Gen.Long, Gen.Long, Gen.Long).Sample((a, b, t) =>
        {
            if (a == b)
            {
                return;
            }
            var r = new TokenRange(new Token(a), new Token(b));
            var complement = new TokenRange(new Token(b), new Token(a));
            Assert.True(r.Contains(new Token(t)) ^ complement.Contains(new Token(t)));
            Assert.Equal(1.0, r.RingFraction + complement.RingFraction, 9);
        });
    }
}
