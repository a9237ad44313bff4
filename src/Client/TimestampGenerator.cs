namespace RingStore.Client;

/// <summary>
/// Client-side write timestamps in microseconds, strictly increasing within this client (DataStax drivers'
/// monotonic generator): two writes from one client never tie, and a retried write keeps its timestamp.
/// </summary>
internal sealed class TimestampGenerator(TimeProvider time)
{
    private long _last;

    public long Next()
    {
        long now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        while (true)
        {
            long last = Interlocked.Read(ref _last);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last) return next;
        }
    }
}
