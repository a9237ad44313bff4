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
    private readonly Dictionary<string, int> _receivedByDatacenter = new(StringComparer.Ordinal);

    public ReplicaCounter(int blockFor, IReadOnlyDictionary<string, int> blockForByDatacenter, Func<NodeInfo, bool> counts)
    {
        _blockFor = blockFor;
        _blockForByDatacenter = blockForByDatacenter;
        _counts = counts;
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
        _receivedByDatacenter[replica.Datacenter] = _receivedByDatacenter.GetValueOrDefault(replica.Datacenter) + 1;
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
                if (_receivedByDatacenter.GetValueOrDefault(dc) < need)
                {
                    return false;
                }
            }
            return true;
        }
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
            int possible = _receivedByDatacenter.GetValueOrDefault(dc) +
                           counted.Count(n => string.Equals(n.Datacenter, dc, StringComparison.Ordinal));
            if (possible < need)
            {
                return false;
            }
        }
        return true;
    }
}
