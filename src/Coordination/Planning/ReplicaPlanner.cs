using RingStore.Core.Consistency;
using RingStore.Core.Errors;
using RingStore.Gossip.Ring;

namespace RingStore.Coordination;

/// <summary>
/// Chooses replicas for one request, as a pure function of the replicas of the token, liveness as this
/// coordinator sees it, the consistency level and recent latencies (Cassandra's ReplicaPlans). The liveness
/// check happens here, before anything is sent: an Unavailable error guarantees nothing was written.
/// </summary>
public static class ReplicaPlanner
{
    public static WritePlan PlanWrite(IReadOnlyList<NodeInfo> natural, IReadOnlyList<NodeInfo> pending,
        Func<string, bool> isAlive, ConsistencyLevel consistency, IReplicationStrategy strategy, string localDatacenter)
    {
        ArgumentNullException.ThrowIfNull(natural);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(isAlive);
        ArgumentNullException.ThrowIfNull(strategy);

        // Lists and linear scans, not a set: a write has a handful of replicas, and this runs for every write.
        var targets = new List<NodeInfo>(natural.Count + pending.Count);
        List<NodeInfo>? down = null;
        AddOnce(natural, isAlive, targets, ref down);
        AddOnce(pending, isAlive, targets, ref down);

        int blockFor = ConsistencyMath.WriteBlockFor(consistency, strategy, localDatacenter, pending);
        var perDc = ConsistencyMath.IsPerDatacenter(consistency, strategy)
            ? ConsistencyMath.WriteBlockForPerDatacenter(strategy, pending)
            : NoDatacenterBlockFor;
        var plan = new WritePlan(consistency, localDatacenter, targets, (IReadOnlyList<NodeInfo>?)down ?? [], blockFor, perDc);

        // ANY is satisfied by a hint, which the coordinator can always store.
        if (consistency != ConsistencyLevel.Any)
        {
            if (perDc.Count > 0)
            {
                AssureSufficientLive(consistency, blockFor, perDc, targets.Where(plan.CountsToward).ToList());
            }
            else
            {
                int alive = 0;
                foreach (var target in targets) if (plan.CountsToward(target)) alive++;
                if (alive < blockFor) throw new UnavailableException(consistency, blockFor, alive);
            }
        }
        return plan;
    }

    /// <summary>No per-datacenter requirement (every level but EACH_QUORUM under NetworkTopologyStrategy); shared, never modified.</summary>
    private static readonly IReadOnlyDictionary<string, int> NoDatacenterBlockFor = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Each replica once (a node both natural and pending, possible in a brief view race, gets the write once): live ones to targets, the others to down.</summary>
    private static void AddOnce(IReadOnlyList<NodeInfo> replicas, Func<string, bool> isAlive, List<NodeInfo> targets, ref List<NodeInfo>? down)
    {
        foreach (var replica in replicas)
        {
            if (Contains(targets, replica.Endpoint) || (down is not null && Contains(down, replica.Endpoint))) continue;
            if (isAlive(replica.Endpoint)) targets.Add(replica);
            else (down ??= []).Add(replica);
        }
    }

    private static bool Contains(List<NodeInfo> nodes, string endpoint)
    {
        foreach (var node in nodes)
            if (string.Equals(node.Endpoint, endpoint, StringComparison.Ordinal)) return true;
        return false;
    }

    public static ReadPlan PlanRead(IReadOnlyList<NodeInfo> natural, Func<string, bool> isAlive,
        ConsistencyLevel consistency, IReplicationStrategy strategy, string localDatacenter,
        Func<string, double> latencyScore, string? localEndpoint = null)
    {
        ArgumentNullException.ThrowIfNull(natural);
        ArgumentNullException.ThrowIfNull(isAlive);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(latencyScore);
        if (consistency == ConsistencyLevel.Any)
        {
            throw new InvalidRequestException("ANY consistency level is only supported for writes.");
        }

        bool localOnly = ConsistencyMath.IsDatacenterLocal(consistency);
        var candidates = natural
            .DistinctBy(n => n.Endpoint, StringComparer.Ordinal)
            .Where(n => isAlive(n.Endpoint))
            .Where(n => !localOnly || string.Equals(n.Datacenter, localDatacenter, StringComparison.Ordinal))
            .Select(n => (Node: n, Score: latencyScore(n.Endpoint)))
            // Ties prefer the local datacenter, then a fixed order, so equal scores plan identically everywhere.
            .OrderBy(x => x.Score)
            .ThenBy(x => string.Equals(x.Node.Datacenter, localDatacenter, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(x => x.Node.Endpoint, StringComparer.Ordinal)
            .Select(x => x.Node)
            .ToList();

        int blockFor = ConsistencyMath.BlockFor(consistency, strategy, localDatacenter);
        var perDc = ConsistencyMath.IsPerDatacenter(consistency, strategy)
            ? ConsistencyMath.BlockForPerDatacenter(strategy)
            : new Dictionary<string, int>(StringComparer.Ordinal);
        // A one-replica read by a coordinator that is a replica reads its own copy: no network hop, and it has every
        // write this coordinator acknowledged at ONE (read-your-writes in the common case; WriteCoordinator waits
        // for the local copy at ONE). Other replicas keep their latency order for speculation.
        // Unless the local replica is clearly slower than the best (a badness threshold, as Cassandra's dynamic snitch
        // keeps: 3x the best score plus 20 ms), so a sick local disk still sends reads elsewhere. A tighter threshold
        // (1.5x + 1 ms) let ordinary jitter on a busy machine send some reads away and miss the write just made.
        if (blockFor == 1 && perDc.Count == 0 && localEndpoint is not null)
        {
            int local = candidates.FindIndex(c => c.Endpoint == localEndpoint);
            if (local > 0 && latencyScore(localEndpoint) <= latencyScore(candidates[0].Endpoint) * 3 + 20)
            {
                var self = candidates[local];
                candidates.RemoveAt(local);
                candidates.Insert(0, self);
            }
        }
        AssureSufficientLive(consistency, blockFor, perDc, candidates);

        List<NodeInfo> contacts;
        if (perDc.Count > 0)
        {
            // The closest quorum of every datacenter, still in overall latency order.
            var taken = new Dictionary<string, int>(StringComparer.Ordinal);
            contacts = [];
            foreach (var c in candidates)
            {
                int need = perDc.GetValueOrDefault(c.Datacenter);
                int have = taken.GetValueOrDefault(c.Datacenter);
                if (have < need)
                {
                    taken[c.Datacenter] = have + 1;
                    contacts.Add(c);
                }
            }
        }
        else
        {
            contacts = candidates.Take(blockFor).ToList();
        }
        var speculative = candidates.FirstOrDefault(c => !contacts.Contains(c));
        return new ReadPlan(consistency, localDatacenter, contacts, speculative, blockFor, perDc, candidates);
    }

    private static void AssureSufficientLive(ConsistencyLevel consistency, int blockFor,
        IReadOnlyDictionary<string, int> blockForByDatacenter, IReadOnlyList<NodeInfo> liveCounted)
    {
        if (blockForByDatacenter.Count > 0)
        {
            foreach (var (dc, need) in blockForByDatacenter.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                int alive = liveCounted.Count(n => string.Equals(n.Datacenter, dc, StringComparison.Ordinal));
                if (alive < need)
                {
                    throw new UnavailableException(consistency, need, alive);
                }
            }
            return;
        }
        if (liveCounted.Count < blockFor)
        {
            throw new UnavailableException(consistency, blockFor, liveCounted.Count);
        }
    }
}
