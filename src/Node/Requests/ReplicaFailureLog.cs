using Microsoft.Extensions.Logging;

namespace RingStore.Node.Requests;

/// <summary>
/// Replica failures at warning level, at most one line per replica and operation (read, write) every 10 s (a replica with a full disk fails every
/// write sent to it, one with a corrupt SSTable every read that may concern it; the log must say so without drowning everything else).
/// </summary>
internal static class ReplicaFailureLog
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> LastLogged = new(StringComparer.Ordinal);
    private static long _suppressed;

    public static void Warn(ILogger logger, TimeProvider time, string replica, string error, string operation = "write")
    {
        long now = time.GetTimestamp();
        string key = operation + " " + replica;
        long last = LastLogged.GetOrAdd(key, 0);
        if (last != 0 && time.GetElapsedTime(last, now) < Interval)
        {
            Interlocked.Increment(ref _suppressed);
            return;
        }
        LastLogged[key] = now;
        long suppressed = Interlocked.Exchange(ref _suppressed, 0);
        logger.LogWarning("Replica {Replica} answered a {Operation} with an error: {Error}{Suppressed}", replica, operation, error,
            suppressed > 0 ? $" ({suppressed} similar failures not logged)" : "");
    }
}
