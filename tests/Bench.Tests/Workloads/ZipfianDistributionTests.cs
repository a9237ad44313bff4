using CsCheck;
using RingStore.Bench.Workloads;

namespace RingStore.Bench.Tests.Workloads;

public sealed class ZipfianDistributionTests
{
    [Fact]
    public void Probabilities_sum_to_one_fall_with_rank_and_follow_the_power_law()
    {
        Gen.Select(Gen.Int[1, 2000], Gen.Double[0, 2]).Sample((count, exponent) =>
        {
            var zipf = new ZipfianDistribution(count, exponent);
            double sum = 0;
            for (long k = 0; k < count; k++)
            {
                sum += zipf.Probability(k);
                if (k > 0) Assert.True(zipf.Probability(k) <= zipf.Probability(k - 1) + 1e-12);
            }
            Assert.Equal(1.0, sum, 9);
            if (count >= 2) Assert.Equal(Math.Pow(2, exponent), zipf.Probability(0) / zipf.Probability(1), 6); // P(1)/P(2) = 2^s
        }, iter: 100);
    }

    [Fact]
    public void Samples_stay_in_range_and_match_the_probabilities()
    {
        Gen.Select(Gen.Int[2, 500], Gen.Double[0.5, 1.5], Gen.Int).Sample((count, exponent, seed) =>
        {
            var zipf = new ZipfianDistribution(count, exponent);
            var random = new Random(seed);
            const int draws = 40_000;
            var seen = new int[count];
            for (int i = 0; i < draws; i++)
            {
                long key = zipf.Sample(random);
                Assert.InRange(key, 0, count - 1);
                seen[key]++;
            }
            // The hottest key's frequency within 5 standard deviations of its probability.
            double p = zipf.Probability(0);
            double sigma = Math.Sqrt(draws * p * (1 - p));
            Assert.InRange(seen[0], draws * p - 5 * sigma - 1, draws * p + 5 * sigma + 1);
        }, iter: 30);
    }

    [Fact]
    public void Same_seed_gives_the_same_keys()
    {
        var zipf = new ZipfianDistribution(1000, 1.0);
        var a = new Random(42);
        var b = new Random(42);
        Assert.Equal(Enumerable.Range(0, 100).Select(_ => zipf.Sample(a)), Enumerable.Range(0, 100).Select(_ => zipf.Sample(b)));
    }

    [Fact]
    public void Exponent_zero_is_uniform_and_share_of_top_grows_with_the_exponent()
    {
        var flat = new ZipfianDistribution(100, 0);
        Assert.All(Enumerable.Range(0, 100), k => Assert.Equal(0.01, flat.Probability(k), 12));
        double previous = 0;
        foreach (double s in new[] { 0.0, 0.8, 1.0, 1.2 })
        {
            double share = new ZipfianDistribution(10_000, s).ShareOfTop(5);
            Assert.True(share > previous);
            previous = share;
        }
        Assert.Equal(1.0, flat.ShareOfTop(100), 12);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfianDistribution(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfianDistribution(10, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfianDistribution(10, double.NaN));
    }
}
