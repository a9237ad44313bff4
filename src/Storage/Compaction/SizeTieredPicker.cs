namespace RingStore.Storage.Compaction;

/// <summary>
/// Size-tiered compaction (Cassandra's STCS): SSTables of similar size go in a bucket (within
/// [0.5, 1.5] of the bucket's average; everything under <see cref="SmallSSTableBytes"/> together),
/// and a bucket with at least minThreshold tables is compacted, up to maxThreshold at once.
/// Among eligible buckets the one with the smallest tables wins: it is the cheapest way to cut the
/// number of SSTables a read must visit.
/// </summary>
public static class SizeTieredPicker
{
    public const long SmallSSTableBytes = 50L << 20;
    private const double BucketLow = 0.5, BucketHigh = 1.5;

    public static IReadOnlyList<IReadOnlyList<SSTableInfo>> Buckets(IReadOnlyList<SSTableInfo> sstables)
    {
        var buckets = new List<List<SSTableInfo>>();
        var averages = new List<double>();
        foreach (var s in sstables.OrderBy(s => s.SizeBytes).ThenBy(s => s.Generation))
        {
            int chosen = -1;
            for (int i = 0; i < buckets.Count; i++)
            {
                double avg = averages[i];
                bool similar = s.SizeBytes >= avg * BucketLow && s.SizeBytes <= avg * BucketHigh;
                bool bothSmall = s.SizeBytes < SmallSSTableBytes && avg < SmallSSTableBytes;
                if (similar || bothSmall) { chosen = i; break; }
            }
            if (chosen < 0)
            {
                buckets.Add([s]);
                averages.Add(s.SizeBytes);
            }
            else
            {
                var b = buckets[chosen];
                averages[chosen] = (averages[chosen] * b.Count + s.SizeBytes) / (b.Count + 1);
                b.Add(s);
            }
        }
        return buckets;
    }

    /// <summary>The SSTables to compact next, or an empty list.</summary>
    public static IReadOnlyList<SSTableInfo> Pick(IReadOnlyList<SSTableInfo> sstables, int minThreshold, int maxThreshold)
    {
        var best = Buckets(sstables)
            .Where(b => b.Count >= minThreshold)
            .OrderBy(b => b.Average(s => (double)s.SizeBytes))
            .FirstOrDefault();
        return best is null ? [] : best.OrderBy(s => s.SizeBytes).Take(maxThreshold).ToArray();
    }

    public static int PendingCount(IReadOnlyList<SSTableInfo> sstables, int minThreshold) =>
        Buckets(sstables).Count(b => b.Count >= minThreshold);
}
