namespace RingStore.Cluster.Tests;

/// <summary>
/// What a driver knows about the nodes: which ones it currently sends requests to. A node leaves the rotation when a
/// request to it fails at the transport level; it comes back only when told (a driver's "node UP" event).
/// Thread-safe; the choice among live nodes uses a seeded Random per caller.
/// </summary>
public sealed class ClientRouting(int nodes)
{
    private readonly bool[] _down = new bool[nodes];
    private readonly long[] _failovers = new long[nodes];

    public int Count => _down.Length;

    /// <summary>A node to try next: random among those in rotation and not yet tried for this request.</summary>
    public int? Pick(Random random, IReadOnlySet<int> tried)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(tried);
        List<int> candidates;
        lock (_down) candidates = Enumerable.Range(0, _down.Length).Where(i => !_down[i] && !tried.Contains(i)).ToList();
        return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)];
    }

    /// <summary>A transport failure on this node: take it out of rotation and count the failover.</summary>
    public void Failed(int node)
    {
        lock (_down)
        {
            _down[node] = true;
            _failovers[node]++;
        }
    }

    public void MarkUp(int node)
    {
        lock (_down) _down[node] = false;
    }

    /// <summary>Failovers away from each node so far.</summary>
    public long[] Failovers()
    {
        lock (_down) return (long[])_failovers.Clone();
    }
}
