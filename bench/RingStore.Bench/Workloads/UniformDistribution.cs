namespace RingStore.Bench.Workloads;

/// <summary>Every key equally likely.</summary>
public sealed class UniformDistribution : IKeyDistribution
{
    public UniformDistribution(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
    }

    public long Count { get; }

    public long Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.NextInt64(Count);
    }

    public double Probability(long key) => key >= 0 && key < Count ? 1.0 / Count : 0;
}
