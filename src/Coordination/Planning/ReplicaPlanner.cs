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

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var targets = new List<NodeInfo>();
        var down = new List<NodeInfo>();
        foreach (var replica in natural.Concat(pending))
        {
            // A node both natural and pending (possible in a brief view race) must get the write once.
            if (!seen.Add(replica.Endpoint))
            {
                continue;
            }
            (isAlive(replica.Endpoint) ? targets : down).Add(replica);
        }

        int blockFor = ConsistencyMath.WriteBlockFor(consistency, strategy, localDatacenter, pending);
        var perDc = ConsistencyMath.IsPerDatacenter(consistency, strategy)
            ? ConsistencyMath.WriteBlockForPerDatacenter(strategy, pending)
            : new Dictionary<string, int>(StringComparer.Ordinal);
        var plan = new WritePlan(consistency, localDatacenter, targets, down, blockFor, perDc);

        // ANY is satisfied by a hint, which the coordinator can always store.
        if (consistency != ConsistencyLevel.Any)
        {
            AssureSufficientLive(consistency, blockFor, perDc, targets.Where(plan.CountsToward).ToList());
        }
        return plan;
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
