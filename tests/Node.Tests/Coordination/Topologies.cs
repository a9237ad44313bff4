using RingStore.Gossip.Ring;

namespace RingStore.Node.Tests.Coordination;

/// <summary>The two layouts the hand-worked cases use: RF 3 SimpleStrategy, and NTS dc1:3 dc2:2.</summary>
internal static class Topologies
{
    public static readonly SimpleStrategy Simple3 = new(3);

    public static readonly NodeInfo[] SimpleReplicas = [new("n1"), new("n2"), new("n3")];

    public static readonly NetworkTopologyStrategy Nts32 = new(new Dictionary<string, int> { ["dc1"] = 3, ["dc2"] = 2 });

    public static readonly NodeInfo[] Dc1 = [new("a1", "dc1", "r1"), new("a2", "dc1", "r2"), new("a3", "dc1", "r3")];

    public static readonly NodeInfo[] Dc2 = [new("b1", "dc2", "r1"), new("b2", "dc2", "r2")];

    public static readonly NodeInfo[] NtsReplicas = [.. Dc1, .. Dc2];

    /// <summary>Liveness where exactly the first <paramref name="dc1Alive"/> of dc1 and <paramref name="dc2Alive"/> of dc2 are up.</summary>
    public static Func<string, bool> AliveNts(int dc1Alive, int dc2Alive)
    {
        var up = Dc1.Take(dc1Alive).Concat(Dc2.Take(dc2Alive)).Select(n => n.Endpoint).ToHashSet();
        return up.Contains;
    }

    public static Func<string, bool> AliveFirst(IEnumerable<NodeInfo> nodes, int count)
    {
        var up = nodes.Take(count).Select(n => n.Endpoint).ToHashSet();
        return up.Contains;
    }
}
