namespace RingStore.Node.Security.Auth;

/// <summary>
/// Slows down password guessing per source address: the n-th failed login in a row from a source is answered after
/// <see cref="BaseDelay"/> * 2^(n-1), at most <see cref="MaxDelay"/> (see Authenticator). A success resets the source; a source quiet for
/// <see cref="Forget"/> is forgotten. Pure except for the injected clock; bounded in memory (oldest sources dropped).
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);
    public const int MaxSources = 10_000;

    private readonly Dictionary<string, (int Failures, DateTimeOffset Last)> _sources = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How long the next attempt from <paramref name="source"/> must wait (zero for a source without recent failures).</summary>
    public TimeSpan DelayFor(string source)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var entry)) return TimeSpan.Zero;
            if (time.GetUtcNow() - entry.Last > Forget)
            {
                _sources.Remove(source);
                return TimeSpan.Zero;
            }
            return Delay(entry.Failures);
        }
    }

    /// <summary>The delay after <paramref name="failures"/> consecutive failures.</summary>
    public static TimeSpan Delay(int failures)
    {
        if (failures <= 0) return TimeSpan.Zero;
        int shift = Math.Min(failures - 1, 16);
        var delay = BaseDelay * (1L << shift);
        return delay > MaxDelay ? MaxDelay : delay;
    }

    /// <summary>Counts a failure; returns the source's consecutive failures.</summary>
    public int RecordFailure(string source)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_sources.Count >= MaxSources && !_sources.ContainsKey(source)) Prune(now);
            int failures = _sources.TryGetValue(source, out var entry) && now - entry.Last <= Forget ? entry.Failures + 1 : 1;
            _sources[source] = (failures, now);
            return failures;
        }
    }

    public void RecordSuccess(string source)
    {
        lock (_gate) _sources.Remove(source);
    }

    /// <summary>Drops forgotten sources, then (still full) the half with the oldest failures.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _sources.Where(kv => now - kv.Value.Last > Forget).Select(kv => kv.Key).ToList()) _sources.Remove(key);
        if (_sources.Count < MaxSources) return;
        foreach (var key in _sources.OrderBy(kv => kv.Value.Last).Take(_sources.Count / 2).Select(kv => kv.Key).ToList()) _sources.Remove(key);
    }
}
