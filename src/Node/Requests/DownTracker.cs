using System.Collections.Concurrent;

namespace RingStore.Node.Requests;

/// <summary>
/// When each peer was last marked down, fed by gossip Down/Up events. Hints are written only while a replica
/// has been down for less than the hint window (after that, repair — not hints — must bring it back).
/// </summary>
public sealed class DownTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _downSince = new(StringComparer.Ordinal);

    public void MarkDown(string endpoint) => _downSince.TryAdd(endpoint, time.GetUtcNow());

    public void MarkUp(string endpoint) => _downSince.TryRemove(endpoint, out _);

    /// <summary>How long the endpoint has been down; zero if it is not known to be down (e.g. it just timed out).</summary>
    public TimeSpan DownFor(string endpoint) =>
        _downSince.TryGetValue(endpoint, out var since) ? time.GetUtcNow() - since : TimeSpan.Zero;
}
