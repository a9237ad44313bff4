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
    private const int CandidateRanges = 128;
    private const int RefinementPasses = 1;
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

        var search = new Search(scratch, balanceBy, loads, self, dc, target);
        var chosen = new List<long>(numTokens);
        for (int step = 0; step < numTokens; step++)
        {
            // The joining node should grow steadily towards its share, not grab it with its first tokens.
            (long token, int index) = search.Best(target * (step + 1) / numTokens, keep: null);
            search.Place(index, token);
            chosen.Add(token);
        }

        // Refinement: the greedy pass placed early tokens against a partial picture. Lift each token out again
        // and put it back wherever it now helps most given all the others (its old spot is a candidate too,
        // so a token only moves when that strictly improves the score).
        for (int pass = 0; pass < RefinementPasses; pass++)
        {
            for (int k = 0; k < chosen.Count; k++)
            {
                search.Remove(chosen[k]);
                (long token, int index) = search.Best(target, keep: chosen[k]);
                search.Place(index, token);
                chosen[k] = token;
            }
        }
        return [.. chosen.Select(t => new Token(t))];
    }

    /// <summary>The candidate search over one scratch ring, with the loads kept exact as tokens come and go.</summary>
    private sealed class Search(ScratchRing scratch, IReplicationStrategy strategy, double[] loads, int self, int dc, double target)
    {
        private readonly Dictionary<int, double> _deltas = [];
        private readonly Dictionary<int, double> _bestDeltas = [];

        /// <summary>Best candidate token and its insertion index; <paramref name="keep"/> is an extra candidate.</summary>
        public (long Token, int Index) Best(double selfTarget, long? keep)
        {
            double bestScore = double.PositiveInfinity;
            long bestToken = 0;
            int bestIndex = -1;
            if (keep is long kept)
            {
                Consider(kept, selfTarget, ref bestScore, ref bestToken, ref bestIndex);
            }
            foreach (int vnode in CandidateVnodes(scratch, strategy, loads, dc))
            {
                foreach (double fraction in SplitFractions)
                {
                    Consider(SplitPoint(scratch, vnode, fraction), selfTarget, ref bestScore, ref bestToken, ref bestIndex);
                }
            }
            if (bestIndex < 0)
            {
                throw new InvalidOperationException("no free token left to allocate"); // only on absurdly full rings
            }
            return (bestToken, bestIndex);
        }

        private void Consider(long token, double selfTarget, ref double bestScore, ref long bestToken, ref int bestIndex)
        {
            int index = scratch.InsertionIndex(token);
            if (index < 0 || token == long.MinValue)
            {
                return;
            }
            _deltas.Clear();
            OwnershipDelta(scratch, strategy, index, token, self, _deltas);
            double score = 0;
            foreach (var (node, d) in _deltas)
            {
                if (scratch.Topology.DatacenterOf(node) == dc)
                {
                    double goal = node == self ? selfTarget : target;
                    double before = loads[node] - goal;
                    score += (before + d) * (before + d) - before * before;
                }
            }
            if (score < bestScore)
            {
                (bestScore, bestToken, bestIndex) = (score, token, index);
                _bestDeltas.Clear();
                foreach (var kv in _deltas)
                {
                    _bestDeltas[kv.Key] = kv.Value;
                }
            }
        }

        /// <summary>Inserts the token last returned by <see cref="Best"/> and applies its ownership change.</summary>
        public void Place(int index, long token)
        {
            scratch.Insert(index, token, self);
            foreach (var (node, d) in _bestDeltas)
            {
                loads[node] += d;
            }
        }

        /// <summary>Takes one of the joining node's tokens out; its removal undoes exactly what inserting it would do.</summary>
        public void Remove(long token)
        {
            int index = scratch.IndexOf(token);
            scratch.RemoveAt(index);
            _deltas.Clear();
            OwnershipDelta(scratch, strategy, index, token, self, _deltas);
            foreach (var (node, d) in _deltas)
            {
                loads[node] -= d;
            }
        }
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
