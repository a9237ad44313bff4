namespace RingStore.Gossip.Ring;

/// <summary>
/// Immutable dense numbering of nodes, datacenters and racks, so placement code works on small ints
/// instead of string lookups in its inner loops. Node index order is the order nodes were given.
/// </summary>
public sealed class Topology
{
    private readonly Dictionary<string, int> _nodeIndexByEndpoint;
    private readonly Dictionary<string, int> _dcIdByName;
    private readonly int[] _nodeDc;
    private readonly int[] _nodeRack;
    private readonly int[] _nodesPerDc;
    private readonly int[] _racksPerDc;

    public Topology(IReadOnlyList<NodeInfo> nodes)
    {
        Nodes = nodes;
        _nodeIndexByEndpoint = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        _dcIdByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var rackIds = new Dictionary<(int Dc, string Rack), int>();
        var dcNames = new List<string>();
        var nodesPerDc = new List<int>();
        var racksPerDc = new List<int>();
        _nodeDc = new int[nodes.Count];
        _nodeRack = new int[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            NodeInfo node = nodes[i];
            if (!_nodeIndexByEndpoint.TryAdd(node.Endpoint, i))
            {
                throw new ArgumentException($"duplicate endpoint {node.Endpoint}", nameof(nodes));
            }
            if (!_dcIdByName.TryGetValue(node.Datacenter, out int dc))
            {
                dc = dcNames.Count;
                _dcIdByName.Add(node.Datacenter, dc);
                dcNames.Add(node.Datacenter);
                nodesPerDc.Add(0);
                racksPerDc.Add(0);
            }
            nodesPerDc[dc]++;
            if (!rackIds.TryGetValue((dc, node.Rack), out int rack))
            {
                rack = rackIds.Count;
                rackIds.Add((dc, node.Rack), rack);
                racksPerDc[dc]++;
            }
            _nodeDc[i] = dc;
            _nodeRack[i] = rack;
        }
        DatacenterNames = dcNames;
        _nodesPerDc = [.. nodesPerDc];
        _racksPerDc = [.. racksPerDc];
    }

    public IReadOnlyList<NodeInfo> Nodes { get; }

    public int NodeCount => Nodes.Count;

    public IReadOnlyList<string> DatacenterNames { get; }

    public int IndexOf(string endpoint) => _nodeIndexByEndpoint.TryGetValue(endpoint, out int i) ? i : -1;

    /// <summary>Datacenter id, or -1 when no node of the ring lives there.</summary>
    public int DatacenterId(string datacenter) => _dcIdByName.TryGetValue(datacenter, out int id) ? id : -1;

    public int DatacenterOf(int node) => _nodeDc[node];

    /// <summary>Rack id, unique across datacenters.</summary>
    public int RackOf(int node) => _nodeRack[node];

    public int NodesIn(int datacenterId) => _nodesPerDc[datacenterId];

    public int RacksIn(int datacenterId) => _racksPerDc[datacenterId];
}
