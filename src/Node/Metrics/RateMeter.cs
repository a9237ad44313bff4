namespace RingStore.Node.Metrics;

/// <summary>
/// Events per second over the last <see cref="WindowSeconds"/> whole seconds, from a ring of one-second
/// buckets. Lock-free recording; reading is approximate under concurrent writes (good enough for Status).
/// </summary>
public sealed class RateMeter(TimeProvider time)
{
    public const int WindowSeconds = 10;
    private const int Buckets = WindowSeconds + 2;
    private readonly long[] _counts = new long[Buckets];
    private readonly long[] _seconds = new long[Buckets];

    private long NowSecond => time.GetUtcNow().ToUnixTimeSeconds();

    public void Mark(long count = 1)
    {
        long second = NowSecond;
        int slot = (int)(second % Buckets);
        long owner = Volatile.Read(ref _seconds[slot]);
        if (owner != second && Interlocked.CompareExchange(ref _seconds[slot], second, owner) == owner)
            Interlocked.Exchange(ref _counts[slot], 0);
        Interlocked.Add(ref _counts[slot], count);
    }

    /// <summary>Average rate over the last full seconds (the current, partial second is left out).</summary>
    public double PerSecond()
    {
        long now = NowSecond;
        long total = 0;
        for (int i = 0; i < Buckets; i++)
        {
            long second = Volatile.Read(ref _seconds[i]);
            if (second < now && second >= now - WindowSeconds) total += Volatile.Read(ref _counts[i]);
        }
        return total / (double)WindowSeconds;
    }
}
