using System.Globalization;

namespace RingStore.Bench.Workloads;

/// <summary>
/// Time buckets of a time-series table, partition key (id, time_bucket): the bucket bounds a partition's size,
/// and its text is the bucket's start in UTC ("2026-11-23T18:04:00").
/// </summary>
public static class TimeBuckets
{
    public static long StartOf(long timestampMillis, TimeSpan width)
    {
        long widthMillis = (long)width.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(widthMillis, 1, nameof(width));
        return timestampMillis - (((timestampMillis % widthMillis) + widthMillis) % widthMillis);
    }

    public static string Name(long timestampMillis, TimeSpan width) =>
        DateTimeOffset.FromUnixTimeMilliseconds(StartOf(timestampMillis, width)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}
