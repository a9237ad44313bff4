using CsCheck;
using RingStore.Bench.Workloads;

namespace RingStore.Bench.Tests.Workloads;

public sealed class TimeSeriesWorkloadTests
{
    private const long Start = 1_795_000_000_000;

    [Fact]
    public void Writes_get_unique_increasing_timestamps_in_their_bucket_and_reads_stay_inside_the_current_bucket()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Int[1, 120], Gen.Int).Sample((readFraction, bucketSeconds, seed) =>
        {
            var width = TimeSpan.FromSeconds(bucketSeconds);
            var workload = new TimeSeriesWorkload(new UniformDistribution(50), readFraction, Start, width, TimeSpan.FromMilliseconds(500));
            var random = new Random(seed);
            long last = Start;
            for (int i = 0; i < 2000; i++)
            {
                var op = workload.Next(random);
                Assert.InRange(op.Id, 0, 49);
                if (op.Kind == OperationKind.Write)
                {
                    Assert.True(op.TimestampMillis > last);
                    last = op.TimestampMillis;
                    Assert.Equal(TimeBuckets.Name(op.TimestampMillis, width), op.Bucket);
                }
                else
                {
                    Assert.True(op.ReadFromMillis <= op.ReadToMillis);
                    Assert.Equal(TimeBuckets.Name(op.ReadToMillis, width), op.Bucket);
                    Assert.Equal(TimeBuckets.Name(op.ReadFromMillis, width), op.Bucket);
                }
            }
            Assert.Equal(last - Start, workload.WritesIssued);
        }, iter: 50);
    }

    [Fact]
    public void Read_fraction_is_respected()
    {
        var workload = new TimeSeriesWorkload(new UniformDistribution(10), 0.3, Start, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1));
        var random = new Random(7);
        int reads = Enumerable.Range(0, 20_000).Count(_ => workload.Next(random).Kind == OperationKind.Read);
        Assert.InRange(reads, 5600, 6400);
    }

    [Fact]
    public void Buckets_start_at_multiples_of_the_width()
    {
        var width = TimeSpan.FromMinutes(1);
        Assert.Equal(0, TimeBuckets.StartOf(59_999, width));
        Assert.Equal(60_000, TimeBuckets.StartOf(60_000, width));
        Assert.Equal(-60_000, TimeBuckets.StartOf(-1, width));
        Assert.Equal("1970-01-01T00:01:00", TimeBuckets.Name(61_234, width));
    }

    [Fact]
    public void Reading_values_depend_on_the_key_and_check_their_length()
    {
        byte[] value = ReadingValue.For(3, 1000, 100);
        Assert.Equal(value, ReadingValue.For(3, 1000, 100));
        Assert.NotEqual(value, ReadingValue.For(3, 1001, 100));
        Assert.NotEqual(value, ReadingValue.For(4, 1000, 100));
        Assert.True(ReadingValue.Matches(3, 1000, 100, value));
        Assert.False(ReadingValue.Matches(3, 1000, 100, value.AsSpan(0, 99)));
        Assert.False(ReadingValue.Matches(4, 1000, 100, value));
    }
}
