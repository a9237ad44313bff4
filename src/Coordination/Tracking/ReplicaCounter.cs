using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Counts distinct replicas that answered toward a blockFor, overall or per datacenter, and tells whether
/// the answers still expected could reach it. Shared by the write and read trackers.
/// </summary>
internal sealed class ReplicaCounter
{
    private readonly int _blockFor;
    private readonly IReadOnlyDictionary<string, int> _blockForByDatacenter;
    private readonly Func<NodeInfo, bool> _counts;
    /// <summary>Only with a per-datacenter requirement (EACH_QUORUM): otherwise the total is all there is to count.</summary>
    private readonly Dictionary<string, int>? _receivedByDatacenter;

    public ReplicaCounter(int blockFor, IReadOnlyDictionary<string, int> blockForByDatacenter, Func<NodeInfo, bool> counts)
    {
        _blockFor = blockFor;
        _blockForByDatacenter = blockForByDatacenter;
        _counts = counts;
        if (blockForByDatacenter.Count > 0) _receivedByDatacenter = new(StringComparer.Ordinal);
    }

    /// <summary>Answers that count toward the level (the number a timeout error reports).</summary>
    public int Received { get; private set; }

    public void Add(NodeInfo replica)
    {
        if (!_counts(replica))
        {
            return;
        }
        Received++;
        if (_receivedByDatacenter is { } byDatacenter)
            byDatacenter[replica.Datacenter] = byDatacenter.GetValueOrDefault(replica.Datacenter) + 1;
    }

    public bool IsMet
    {
        get
        {
            if (_blockForByDatacenter.Count == 0)
            {
                return Received >= _blockFor;
            }
            foreach (var (dc, need) in _blockForByDatacenter)
            {
                if (_receivedByDatacenter!.GetValueOrDefault(dc) < need)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Without a per-datacenter requirement: whether the level can still be met if <paramref name="outstandingCounted"/>
    /// more replicas whose answers count (already filtered) answer.
    /// </summary>
    public bool CanStillBeMet(int outstandingCounted)
    {
        if (_blockForByDatacenter.Count > 0) throw new InvalidOperationException("A per-datacenter requirement needs the outstanding replicas themselves.");
        return Received + outstandingCounted >= _blockFor;
    }

    /// <summary>Whether the level can still be met if every replica in <paramref name="outstanding"/> answers.</summary>
    public bool CanStillBeMet(IEnumerable<NodeInfo> outstanding)
    {
        var counted = outstanding.Where(_counts).ToList();
        if (_blockForByDatacenter.Count == 0)
        {
            return Received + counted.Count >= _blockFor;
        }
        foreach (var (dc, need) in _blockForByDatacenter)
        {
            int possible = _receivedByDatacenter!.GetValueOrDefault(dc) +
                           counted.Count(n => string.Equals(n.Datacenter, dc, StringComparison.Ordinal));
            if (possible < need)
            {
                return false;
            }
        }
        return true;
    }
}
