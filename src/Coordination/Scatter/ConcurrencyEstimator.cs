namespace RingStore.Coordination.Scatter;

/// <summary>
/// How many ranges a scan with a row limit keeps in flight, as Cassandra 4's range read concurrency factor: from the
/// rows the finished ranges returned per range, the ranges still needed to reach the limit, clamped to [1, max]. Before
/// any range finished the scan uses its initial factor; ranges that returned nothing say "the data is sparse": go wide.
/// Without a limit (aggregates) every range is needed and the maximum is used.
/// </summary>
public static class ConcurrencyEstimator
{
    public static int Estimate(long? limit, int maxConcurrency, int initial, int rangesFinished, long rowsFinished)
    {
        if (limit is not { } l) return maxConcurrency;
        if (rangesFinished == 0) return Math.Clamp(initial, 1, maxConcurrency);
        long remaining = l - rowsFinished;
        if (remaining <= 0) return 1;
        if (rowsFinished == 0) return maxConcurrency;
        double perRange = (double)rowsFinished / rangesFinished;
        double ranges = Math.Ceiling(remaining / perRange);
        return (int)Math.Clamp(ranges, 1, maxConcurrency);
    }
}
