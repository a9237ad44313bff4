using RingStore.Gossip.Ring;
using RingStore.Coordination;

namespace RingStore.Node.Tests.Coordination;

public class HintPolicyTests
{
    private static readonly NodeInfo Replica = new("n1", "dc1");

    [Fact]
    public void Hints_within_the_window_only()
    {
        var policy = new HintPolicy(TimeSpan.FromHours(3));
        Assert.True(policy.ShouldHint(Replica, TimeSpan.Zero));              // timed out while seen alive
        Assert.True(policy.ShouldHint(Replica, TimeSpan.FromHours(3)));
        Assert.False(policy.ShouldHint(Replica, TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Disabled_globally_or_per_datacenter()
    {
        Assert.False(new HintPolicy(TimeSpan.FromHours(3), Enabled: false).ShouldHint(Replica, TimeSpan.Zero));
        var policy = new HintPolicy(TimeSpan.FromHours(3)) { DisabledDatacenters = new HashSet<string> { "dc1" } };
        Assert.False(policy.ShouldHint(Replica, TimeSpan.Zero));
        Assert.True(policy.ShouldHint(new NodeInfo("n2", "dc2"), TimeSpan.Zero));
    }
}
