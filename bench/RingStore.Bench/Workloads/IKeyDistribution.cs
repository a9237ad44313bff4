namespace RingStore.Bench.Workloads;

/// <summary>Draws keys 0 .. Count-1. Implementations are immutable and thread-safe; the caller owns the Random.</summary>
public interface IKeyDistribution
{
    long Count { get; }

    long Sample(Random random);

    /// <summary>The probability of drawing <paramref name="key"/> (for tests and for reporting the expected skew).</summary>
    double Probability(long key);
}
