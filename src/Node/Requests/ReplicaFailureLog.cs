using Microsoft.Extensions.Logging;

namespace RingStore.Node.Requests;

/// <summary>
/// Replica failures at warning level, at most one line per replica every 10 s (a replica with a full disk fails every
/// write sent to it; the log must say so without drowning everything else).
/// </summary>
internal static class ReplicaFailureLog
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> LastLogged = new(StringComparer.Ordinal);
    private static long _suppressed;

    public static void Warn(ILogger logger, TimeProvider time, string replica, string error)
    {
        long now = time.GetTimestamp();
        long last = LastLogged.GetOrAdd(replica, 0);
        if (last != 0 && time.GetElapsedTime(last, now) < Interval)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }
        LastLogged[replica] = now;
        long suppressed = Interlocked.Exchange(ref _suppressed, 0);
        logger.LogWarning("Replica {Replica} answered a write with an error: {Error}{Suppressed}", replica, error,
            suppressed > 0 ? $" ({suppressed} similar failures not logged)" : "");
    }
}
