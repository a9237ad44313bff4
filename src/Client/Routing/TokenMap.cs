using RingStore.Client.Protos;
using RingStore.Core.Partitioning;

namespace RingStore.Client.Routing;

/// <summary>
/// The ring as the client sees it (from DescribeRing): every vnode token with its node, sorted. Finds the replicas
/// of a token for a keyspace's replication by walking clockwise (SimpleStrategy: the first RF distinct nodes;
/// NetworkTopologyStrategy: the first RF distinct nodes of each datacenter; racks are not considered, so this is a
/// routing hint, the node's coordinator remains the authority on placement).
/// </summary>
public sealed class TokenMap
{
    private readonly long[] _tokens;
    private readonly NodeDescription[] _owners;

    public TokenMap(IEnumerable<NodeDescription> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var pairs = nodes.Where(n => n.Status is "NORMAL" or "LEAVING" or "shutdown")
            .SelectMany(n => n.Tokens.Select(t => (Token: t, Node: n)))
            .OrderBy(p => p.Token)
            .ToArray();
        _tokens = pairs.Select(p => p.Token).ToArray();
        _owners = pairs.Select(p => p.Node).ToArray();
    }

    public bool IsEmpty => _tokens.Length == 0;

    public IReadOnlyList<NodeDescription> ReplicasFor(Token token, Replication? replication)
    {
        if (_tokens.Length == 0) return [];
        int start = Array.BinarySearch(_tokens, token.Value);
        if (start < 0) start = ~start;
        var result = new List<NodeDescription>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool networkTopology = replication?.Class.EndsWith("NetworkTopologyStrategy", StringComparison.Ordinal) == true;
        int totalWanted = networkTopology ? replication!.Datacenters.Values.Sum() : Math.Max(1, replication?.ReplicationFactor ?? 1);
        var perDc = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Length && result.Count < totalWanted; i++)
        {
            var node = _owners[(start + i) % _tokens.Length];
            if (!seen.Add(node.Endpoint)) continue;
            if (networkTopology)
            {
                int want = replication!.Datacenters.TryGetValue(node.Datacenter, out int rf) ? rf : 0;
                int have = perDc.GetValueOrDefault(node.Datacenter);
                if (have >= want) continue;
                perDc[node.Datacenter] = have + 1;
            }
            result.Add(node);
        }
        return result;
    }
}
