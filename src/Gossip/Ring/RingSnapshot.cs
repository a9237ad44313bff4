using RingStore.Core.Partitioning;

namespace RingStore.Gossip.Ring;

/// <summary>
/// An immutable token ring: the members in NORMAL state and their vnode tokens, sorted. Membership changes
/// build a new snapshot (see <see cref="WithMember"/>), which the node swaps in atomically, so readers never
/// see a half-applied change. Token lookup is a binary search: O(log V) for V vnodes.
/// </summary>
public sealed class RingSnapshot : IRingView
{
    private readonly long[] _tokens;
    private readonly int[] _owners;

    public static RingSnapshot Empty { get; } = new([], new Topology([]), [], []);

    private RingSnapshot(IReadOnlyList<RingMember> members, Topology topology, long[] tokens, int[] owners)
    {
        Members = members;
        Topology = topology;
        _tokens = tokens;
        _owners = owners;
    }

    /// <summary>Builds a ring. Two members claiming the same token is a configuration error and throws.</summary>
    public static RingSnapshot Create(IEnumerable<RingMember> members)
    {
        RingMember[] list = [.. members];
        var topology = new Topology([.. list.Select(m => m.Node)]);
        int total = list.Sum(m => m.Tokens.Count);
        var tokens = new long[total];
        var owners = new int[total];
        int k = 0;
        for (int node = 0; node < list.Length; node++)
        {
            foreach (Token t in list[node].Tokens)
            {
                tokens[k] = t.Value;
                owners[k] = node;
                k++;
            }
        }
        Array.Sort(tokens, owners);
        for (int i = 1; i < tokens.Length; i++)
        {
            if (tokens[i] == tokens[i - 1])
            {
                throw new ArgumentException(
                    $"token {tokens[i]} claimed by {topology.Nodes[owners[i - 1]].Endpoint} and {topology.Nodes[owners[i]].Endpoint}",
                    nameof(members));
            }
        }
        return new RingSnapshot(list, topology, tokens, owners);
    }

    public IReadOnlyList<RingMember> Members { get; }

    public Topology Topology { get; }

    public int VnodeCount => _tokens.Length;

    public bool IsEmpty => _tokens.Length == 0;

    public Token TokenAt(int vnodeIndex) => new(_tokens[vnodeIndex]);

    public int OwnerAt(int vnodeIndex) => _owners[vnodeIndex];

    public NodeInfo NodeAt(int vnodeIndex) => Topology.Nodes[_owners[vnodeIndex]];

    /// <summary>The vnode whose range (previous token, token] contains <paramref name="token"/>: the first token >= it, wrapping.</summary>
    public int FindVnode(Token token)
    {
        if (_tokens.Length == 0)
        {
            throw new InvalidOperationException("the ring is empty");
        }
        int i = Array.BinarySearch(_tokens, token.Value);
        if (i < 0)
        {
            i = ~i;
        }
        return i == _tokens.Length ? 0 : i;
    }

    /// <summary>The range vnode i covers: (token[i-1], token[i]], the first one wrapping from the last token.</summary>
    public TokenRange RangeAt(int vnodeIndex)
    {
        int previous = vnodeIndex == 0 ? _tokens.Length - 1 : vnodeIndex - 1;
        return new TokenRange(new Token(_tokens[previous]), new Token(_tokens[vnodeIndex]));
    }

    public RingMember? FindMember(string endpoint)
    {
        int i = Topology.IndexOf(endpoint);
        return i < 0 ? null : Members[i];
    }

    /// <summary>Replicas by walking from the token; fine for one-off lookups. Hot paths use <see cref="ReplicaPlacement"/>.</summary>
    public IReadOnlyList<NodeInfo> GetNaturalReplicas(Token token, IReplicationStrategy strategy)
    {
        if (IsEmpty)
        {
            return [];
        }
        var replicas = new List<int>(strategy.TotalReplicationFactor);
        strategy.CollectReplicas(this, FindVnode(token), replicas);
        return [.. replicas.Select(r => Topology.Nodes[r])];
    }

    /// <summary>A new snapshot with the member added, or its tokens and location replaced if already present.</summary>
    public RingSnapshot WithMember(RingMember member) =>
        Create(Members.Where(m => m.Node.Endpoint != member.Node.Endpoint).Append(member));

    public RingSnapshot WithoutMember(string endpoint) =>
        Create(Members.Where(m => m.Node.Endpoint != endpoint));
}
