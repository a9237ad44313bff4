using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// Uniformly random tokens, as Cassandra did before its balanced allocator. Seeded, so a test or simulation
/// replays the same ring. Ownership spread shrinks only with the square root of num_tokens.
/// </summary>
public sealed class RandomTokenAllocator(Random random) : ITokenAllocator
{
    public IReadOnlyList<Token> Allocate(RingSnapshot ring, NodeInfo joining, int numTokens)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentOutOfRangeException.ThrowIfLessThan(numTokens, 1);
        var taken = new HashSet<long>(ring.Members.SelectMany(m => m.Tokens).Select(t => t.Value));
        var tokens = new List<Token>(numTokens);
        while (tokens.Count < numTokens)
        {
            // long.MinValue is the ring's minimum sentinel and never a real token.
            long candidate = random.NextInt64(long.MinValue + 1, long.MaxValue);
            if (taken.Add(candidate))
            {
                tokens.Add(new Token(candidate));
            }
        }
        return tokens;
    }
}
