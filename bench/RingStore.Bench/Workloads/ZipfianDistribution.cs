namespace RingStore.Bench.Workloads;

/// <summary>
/// Zipf's law over keys 0 .. Count-1: P(k) is proportional to 1 / (k + 1)^Exponent, so key 0 is the hottest.
/// Exponent 0 is uniform; 0.8 .. 1.2 covers the skews seen in practice (YCSB uses 0.99). Sampling inverts the
/// cumulative distribution by binary search over a table built once, which is exact for any exponent (the
/// closed-form approximations like YCSB's are for exponents below 1 only) and costs 8 bytes per key.
/// </summary>
public sealed class ZipfianDistribution : IKeyDistribution
{
    /// <summary>More keys than this would make the table larger than 80 MB.</summary>
    public const long MaxCount = 10_000_000;

    private readonly double[] _cumulative;

    public ZipfianDistribution(long count, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        if (!double.IsFinite(exponent) || exponent < 0) throw new ArgumentOutOfRangeException(nameof(exponent), "The exponent must be finite and not negative.");
        Count = count;
        Exponent = exponent;
        _cumulative = new double[count];
        double sum = 0;
        for (long k = 0; k < count; k++)
        {
            sum += Math.Pow(k + 1, -exponent);
            _cumulative[k] = sum;
        }
        for (long k = 0; k < count; k++) _cumulative[k] /= sum;
        _cumulative[count - 1] = 1.0; // rounding must not leave a gap above the last key
    }

    public long Count { get; }

    public double Exponent { get; }

    public long Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble(); // [0, 1): the first key whose cumulative probability exceeds u
        int index = Array.BinarySearch(_cumulative, u);
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, Count - 1);
    }

    public double Probability(long key)
    {
        if (key < 0 || key >= Count) return 0;
        return key == 0 ? _cumulative[0] : _cumulative[key] - _cumulative[key - 1];
    }

    /// <summary>The share of all draws that fall on the <paramref name="top"/> hottest keys.</summary>
    public double ShareOfTop(long top) => top <= 0 ? 0 : _cumulative[Math.Min(top, Count) - 1];
}
