namespace RingStore.Bench.Measurement;

/// <summary>How uneven a per-node figure is: max / average (1 = perfectly even; N nodes => at most N).</summary>
public static class SkewRatio
{
    public static double MaxOverAverage(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToList();
        if (list.Count == 0) return 0;
        double average = list.Average();
        return average <= 0 ? 0 : Math.Round(list.Max() / average, 3);
    }
}
