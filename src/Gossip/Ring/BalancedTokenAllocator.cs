using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Chooses a joining node's tokens one at a time, greedily, so that replicated ownership under the keyspace's
/// strategy stays even (the goal of Cassandra's allocate_tokens_for_keyspace; a different, simpler algorithm).
///
/// Each step scores candidate split points inside the widest ranges of the most loaded nodes of the joining
/// node's datacenter, computes exactly how replicated ownership would move (only ranges whose replica walk
/// crosses the new token change), and keeps the candidate that most reduces the sum of squared loads.
/// While a datacenter has no more nodes than its replication factor every node replicates everything, so
/// the allocator balances primary ownership instead, preparing a ring that stays balanced as it grows.
/// Deterministic: the same ring and node give the same tokens.
/// </summary>
public sealed class BalancedTokenAllocator(IReplicationStrategy strategy) : ITokenAllocator
{
    private const int CandidateRanges = 64;
    private static readonly double[] SplitFractions = [0.1, 0.3, 0.5, 0.7, 0.9];

    public IReplicationStrategy Strategy { get; } = strategy;

    public IReadOnlyList<Token> Allocate(RingSnapshot ring, NodeInfo joining, int numTokens)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(joining);
        ArgumentOutOfRangeException.ThrowIfLessThan(numTokens, 1);
        RingMember[] existing = [.. ring.Members.Where(m => m.Node.Endpoint != joining.Endpoint)];
        bool datacenterEmpty = !existing.Any(m => m.Node.Datacenter == joining.Datacenter);
        if (datacenterEmpty)
        {
            return EvenlySpaced(existing, numTokens);
        }

        var topology = new Topology([.. existing.Select(m => m.Node), joining]);
        int self = topology.NodeCount - 1;
        int dc = topology.DatacenterOf(self);
        var pairs = existing.SelectMany((m, node) => m.Tokens.Select(t => (t.Value, node))).OrderBy(p => p.Value).ToList();
        var scratch = new ScratchRing(topology, [.. pairs.Select(p => p.Value)], [.. pairs.Select(p => p.node)]);
        IReplicationStrategy balanceBy = EffectiveStrategy(topology, dc);
        double[] loads = Ownership.ReplicatedByIndex(scratch, balanceBy);
        // Total replicated ownership inside the DC does not change as tokens are added, so the fair share is fixed.
        double target = Enumerable.Range(0, topology.NodeCount).Where(n => topology.DatacenterOf(n) == dc).Sum(n => loads[n]) / topology.NodesIn(dc);

        var chosen = new List<Token>(numTokens);
        var deltas = new Dictionary<int, double>();
        var bestDeltas = new Dictionary<int, double>();
        for (int step = 0; step < numTokens; step++)
        {
            double bestScore = double.PositiveInfinity;
            long bestToken = 0;
            int bestIndex = -1;
            // The joining node should grow steadily towards its share, not grab it with its first tokens.
            double selfTarget = target * (step + 1) / numTokens;
            foreach (int vnode in CandidateVnodes(scratch, balanceBy, loads, dc))
            {
                foreach (double fraction in SplitFractions)
                {
                    long token = SplitPoint(scratch, vnode, fraction);
                    int index = scratch.InsertionIndex(token);
                    if (index < 0 || token == long.MinValue)
                    {
                        continue;
                    }
                    deltas.Clear();
                    OwnershipDelta(scratch, balanceBy, index, token, self, deltas);
                    double score = 0;
                    foreach (var (node, d) in deltas)
                    {
                        if (topology.DatacenterOf(node) == dc)
                        {
                            double goal = node == self ? selfTarget : target;
                            double before = loads[node] - goal;
                            score += (before + d) * (before + d) - before * before;
                        }
                    }
                    if (score < bestScore)
                    {
                        (bestScore, bestToken, bestIndex) = (score, token, index);
                        bestDeltas.Clear();
                        foreach (var kv in deltas)
                        {
                            bestDeltas[kv.Key] = kv.Value;
                        }
                    }
                }
            }
            if (bestIndex < 0)
            {
                throw new InvalidOperationException("no free token left to allocate"); // only on absurdly full rings
            }
            scratch.Insert(bestIndex, bestToken, self);
            foreach (var (node, d) in bestDeltas)
            {
                loads[node] += d;
            }
            chosen.Add(new Token(bestToken));
        }
        return chosen;
    }

    /// <summary>Balancing replicated ownership is meaningless while every node of the DC holds everything.</summary>
    private IReplicationStrategy EffectiveStrategy(Topology topology, int dc)
    {
        int nodesInDc = topology.NodesIn(dc);
        string dcName = topology.DatacenterNames[dc];
        int rf = Strategy switch
        {
            SimpleStrategy s => s.ReplicationFactor,
            NetworkTopologyStrategy n => n.ReplicationFactors.FirstOrDefault(p => p.Key == dcName).Value,
            _ => Strategy.TotalReplicationFactor,
        };
        if (nodesInDc > rf)
        {
            return Strategy;
        }
        return Strategy is NetworkTopologyStrategy
            ? new NetworkTopologyStrategy(new Dictionary<string, int> { [dcName] = 1 })
            : new SimpleStrategy(1);
    }

    /// <summary>
    /// Ranges worth splitting: a new token pushes the last replica out of the ranges whose walk it joins, so
    /// weigh each range by its width and the load of its last same-DC replica (the node that would shed load).
    /// </summary>
    private static List<int> CandidateVnodes(ScratchRing ring, IReplicationStrategy strategy, double[] loads, int dc)
    {
        var top = new PriorityQueue<int, double>(CandidateRanges + 1);
        var replicas = new List<int>(8);
        for (int i = 0; i < ring.VnodeCount; i++)
        {
            replicas.Clear();
            strategy.CollectReplicas(ring, i, replicas);
            int loser = -1;
            for (int r = replicas.Count - 1; r >= 0; r--)
            {
                if (ring.Topology.DatacenterOf(replicas[r]) == dc)
                {
                    loser = replicas[r];
                    break;
                }
            }
            if (loser < 0)
            {
                continue;
            }
            double weight = Ownership.RangeFraction(ring, i) * loads[loser];
            top.Enqueue(i, weight);
            if (top.Count > CandidateRanges)
            {
                top.Dequeue(); // drop the smallest weight
            }
        }
        var result = new List<int>(top.Count);
        while (top.TryDequeue(out int vnode, out _))
        {
            result.Add(vnode);
        }
        return result;
    }

    private static long SplitPoint(IRingView ring, int vnode, double fraction)
    {
        int count = ring.VnodeCount;
        long previous = ring.TokenAt(vnode == 0 ? count - 1 : vnode - 1).Value;
        ulong width = count == 1 ? ulong.MaxValue : unchecked((ulong)(ring.TokenAt(vnode).Value - previous));
        return unchecked(previous + (long)(ulong)(width * fraction));
    }

    /// <summary>
    /// Exact change of replicated ownership if <paramref name="token"/> (owned by <paramref name="self"/>) were
    /// inserted at <paramref name="index"/>. Only the new range and ranges whose replica walk passes the new
    /// token change; walking backwards stops at the first range whose walk ends before it.
    /// </summary>
    private static void OwnershipDelta(IRingView ring, IReplicationStrategy strategy, int index, long token, int self, Dictionary<int, double> deltas)
    {
        var after = new RingWithOneMoreToken(ring, index, token, self);
        int newCount = after.VnodeCount;
        var newReplicas = new List<int>(8);
        var oldReplicas = new List<int>(8);
        for (int back = 0; back < newCount - 1; back++)
        {
            int j = ((index - back) % newCount + newCount) % newCount;
            newReplicas.Clear();
            int steps = strategy.CollectReplicas(after, j, newReplicas);
            if (steps <= back)
            {
                break; // this walk ends before the new token; earlier walks end no later
            }
            // The old range that maps to new vnode j: for j == index it is the range the token split.
            int oldIndex = j < index ? j : j == index ? index % ring.VnodeCount : j - 1;
            oldReplicas.Clear();
            strategy.CollectReplicas(ring, oldIndex, oldReplicas);
            double width = Ownership.RangeFraction(after, j);
            foreach (int r in newReplicas)
            {
                if (!oldReplicas.Contains(r))
                {
                    deltas[r] = deltas.GetValueOrDefault(r) + width;
                }
            }
            foreach (int r in oldReplicas)
            {
                if (!newReplicas.Contains(r))
                {
                    deltas[r] = deltas.GetValueOrDefault(r) - width;
                }
            }
        }
    }

    private static List<Token> EvenlySpaced(RingMember[] existing, int numTokens)
    {
        var taken = new HashSet<long>(existing.SelectMany(m => m.Tokens).Select(t => t.Value));
        ulong spacing = ulong.MaxValue / (ulong)numTokens;
        // A new datacenter's first node is offset by half a spacing so it does not collide with another DC's first node.
        ulong offset = taken.Count == 0 ? 0 : spacing / 2;
        var tokens = new List<Token>(numTokens);
        for (int i = 0; i < numTokens; i++)
        {
            long t = unchecked(long.MinValue + 1 + (long)(offset + (ulong)i * spacing));
            while (!taken.Add(t))
            {
                t++;
            }
            tokens.Add(new Token(t));
        }
        return tokens;
    }
}
