using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// How a token-range scan is cut: (start, end] split at every ring token strictly inside it, so each piece lies within
/// one vnode range and has one replica set. The node's range coordinator and the simulator cut scans the same way.
/// </summary>
public static class VnodePieces
{
    public static IEnumerable<(long Start, long End)> Of(RingSnapshot ring, long startExclusive, long endInclusive)
    {
        ArgumentNullException.ThrowIfNull(ring);
        long from = startExclusive;
        for (int i = 0; i < ring.VnodeCount; i++)
        {
            long t = ring.TokenAt(i).Value;
            if (t <= from) continue;
            if (t >= endInclusive) break;
            yield return (from, t);
            from = t;
        }
        yield return (from, endInclusive);
    }
}
