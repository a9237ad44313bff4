namespace RingStore.Bench.Native;

/// <summary>
/// The ring as the load generator routes by it: each token's primary replica is the node owning the first ring token
/// at or after it (wrapping), as Cassandra's drivers compute it. Pure.
/// </summary>
public sealed class TokenOwners
{
    private readonly long[] _tokens;
    private readonly int[] _owners;

    public TokenOwners(IEnumerable<(long Token, int Node)> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        var sorted = ring.OrderBy(t => t.Token).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("the ring has no tokens", nameof(ring));
        _tokens = [.. sorted.Select(t => t.Token)];
        _owners = [.. sorted.Select(t => t.Node)];
    }

    public int OwnerOf(long token)
    {
        int i = Array.BinarySearch(_tokens, token);
        if (i < 0) i = ~i;
        return _owners[i == _tokens.Length ? 0 : i];
    }
}
