using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Ranges that nodes will replicate once in-flight joins and leaves complete but do not replicate yet.
/// The coordinator sends writes to natural replicas plus the pending ones, so no write is lost while data
/// streams to a joining node or away from a leaving one. Immutable; lookup is a binary search.
/// </summary>
public sealed class PendingRanges
{
    private readonly long[] _rightBounds;         // sorted right ends of segments; segment k is (right[k-1], right[k]]
    private readonly NodeInfo[][] _pending;       // pending endpoints of each segment (never empty arrays for stored segments)

    public static PendingRanges None { get; } = new([], []);

    /// <summary>Segment 0 is (right[last], right[0]]: it wraps, so every token falls in exactly one segment.</summary>
    internal PendingRanges(long[] rightBounds, NodeInfo[][] pending)
    {
        _rightBounds = rightBounds;
        _pending = pending;
    }

    public bool IsEmpty => _pending.All(p => p.Length == 0);

    /// <summary>Nodes that must also receive writes for the token during the move.</summary>
    public IReadOnlyList<NodeInfo> PendingFor(Token token)
    {
        if (_rightBounds.Length == 0)
        {
            return [];
        }
        int i = Array.BinarySearch(_rightBounds, token.Value);
        if (i < 0)
        {
            i = ~i;
        }
        if (i == _rightBounds.Length)
        {
            i = 0; // past the last bound: the wrapping segment
        }
        return _pending[i];
    }

    /// <summary>Every (range, pending endpoint) pair, adjacent ranges with the same endpoint set merged.</summary>
    public IReadOnlyList<(TokenRange Range, IReadOnlyList<NodeInfo> Endpoints)> Segments()
    {
        var result = new List<(TokenRange, IReadOnlyList<NodeInfo>)>();
        for (int k = 0; k < _rightBounds.Length; k++)
        {
            if (_pending[k].Length == 0)
            {
                continue;
            }
            long left = _rightBounds[k == 0 ? _rightBounds.Length - 1 : k - 1];
            result.Add((new TokenRange(new Token(left), new Token(_rightBounds[k])), _pending[k]));
        }
        return result;
    }

    /// <summary>The ranges one endpoint has pending (what it must stream in or receive writes for).</summary>
    public IReadOnlyList<TokenRange> RangesFor(string endpoint) =>
        [.. Segments().Where(s => s.Endpoints.Any(n => n.Endpoint == endpoint)).Select(s => s.Range)];
}
