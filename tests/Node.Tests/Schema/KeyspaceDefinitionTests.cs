using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Node.Schema;

namespace RingStore.Node.Tests.Schema;

public class KeyspaceDefinitionTests
{
    [Fact]
    public void SimpleStrategy_creates_the_ring_strategy_with_its_factor()
    {
        var ks = KeyspaceDefinition.Simple("shop", 3);
        var strategy = Assert.IsType<SimpleStrategy>(ks.CreateStrategy());
        Assert.Equal(3, strategy.ReplicationFactor);
        Assert.Empty(ks.DatacenterReplicationFactors);
    }

    [Fact]
    public void NetworkTopologyStrategy_keeps_factors_per_datacenter_sorted()
    {
        var ks = KeyspaceDefinition.NetworkTopology("shop", new Dictionary<string, int> { ["eu"] = 2, ["us"] = 3 });
        var strategy = Assert.IsType<NetworkTopologyStrategy>(ks.CreateStrategy());
        Assert.Equal(5, strategy.TotalReplicationFactor);
        Assert.Equal(5, ks.ReplicationFactor);
        Assert.Equal(["eu", "us"], ks.DatacenterReplicationFactors.Select(p => p.Key));
        Assert.Equal(ks, KeyspaceDefinition.NetworkTopology("shop", new Dictionary<string, int> { ["us"] = 3, ["eu"] = 2 }));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("1abc", "must start with a letter")]
    [InlineData("has-dash", "must start with a letter")]
    [InlineData("has.dot", "must start with a letter")]
    [InlineData("a234567890123456789012345678901234567890123456789", "at most 48")]
    [InlineData("system", "reserved")]
    [InlineData("SYSTEM", "reserved")]
    public void Bad_names_are_rejected_with_a_reason(string name, string reason)
    {
        var e = Assert.Throws<InvalidRequestException>(() => KeyspaceDefinition.Simple(name, 1));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_48_character_name_with_underscores_is_fine()
    {
        var name = "a" + new string('_', 46) + "9";
        Assert.Equal(48, name.Length);
        Assert.Equal(name, KeyspaceDefinition.Simple(name, 1).Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Replication_factor_below_one_is_rejected(int rf)
    {
        var e = Assert.Throws<InvalidRequestException>(() => KeyspaceDefinition.Simple("ks", rf));
        Assert.Contains("replication_factor must be at least 1", e.Message, StringComparison.Ordinal);

        var nts = Assert.Throws<InvalidRequestException>(() => KeyspaceDefinition.NetworkTopology("ks", new Dictionary<string, int> { ["dc1"] = rf }));
        Assert.Contains("datacenter 'dc1' must be at least 1", nts.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkTopologyStrategy_needs_a_datacenter()
    {
        var e = Assert.Throws<InvalidRequestException>(() => KeyspaceDefinition.NetworkTopology("ks", new Dictionary<string, int>()));
        Assert.Contains("at least one datacenter", e.Message, StringComparison.Ordinal);
    }
}
