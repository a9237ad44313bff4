namespace RingStore.Bench.Workloads;

/// <summary>
/// Time-series writes with range reads on partitions (id, time_bucket). Ids come from a key distribution (uniform
/// or Zipfian), so with Zipf a few sensors are hot. Time is synthetic: every write takes the next millisecond after
/// <see cref="StartMillis"/>, so timestamps are unique across all loops (a write never overwrites another, which
/// the correctness check relies on) and runs are reproducible whatever the machine's speed. A read asks for the
/// last ReadWindow of its id's current bucket. Thread-safe: loops share one instance, each with its own Random.
/// </summary>
public sealed class TimeSeriesWorkload
{
    private readonly IKeyDistribution _ids;
    private long _writes;

    public TimeSeriesWorkload(IKeyDistribution ids, double readFraction, long startMillis, TimeSpan bucketWidth, TimeSpan readWindow)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (readFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(readFraction), "The read fraction must be in [0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketWidth, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(readWindow, TimeSpan.Zero);
        _ids = ids;
        ReadFraction = readFraction;
        StartMillis = startMillis;
        BucketWidth = bucketWidth;
        ReadWindow = readWindow;
    }

    public double ReadFraction { get; }

    public long StartMillis { get; }

    public TimeSpan BucketWidth { get; }

    public TimeSpan ReadWindow { get; }

    public IKeyDistribution Ids => _ids;

    /// <summary>Writes handed out so far (the synthetic clock).</summary>
    public long WritesIssued => Interlocked.Read(ref _writes);

    public WorkloadOperation Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        long id = _ids.Sample(random);
        if (random.NextDouble() < ReadFraction)
        {
            long now = StartMillis + Interlocked.Read(ref _writes);
            long from = Math.Max(now - (long)ReadWindow.TotalMilliseconds, TimeBuckets.StartOf(now, BucketWidth));
            return WorkloadOperation.Read(id, TimeBuckets.Name(now, BucketWidth), from, now);
        }
        long timestamp = StartMillis + Interlocked.Increment(ref _writes);
        return WorkloadOperation.Write(id, TimeBuckets.Name(timestamp, BucketWidth), timestamp);
    }
}
