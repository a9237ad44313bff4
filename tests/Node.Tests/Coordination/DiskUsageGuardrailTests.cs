using RingStore.Core.Errors;
using RingStore.Gossip.Ring;
using RingStore.Coordination;

namespace RingStore.Node.Tests.Coordination;

public class DiskUsageGuardrailTests
{
    private static readonly NodeInfo[] Replicas = [new("n1", "dc1", "r1"), new("n2", "dc1", "r1"), new("n3", "dc1", "r1")];

    [Theory]
    [InlineData(1000, 1000, 0)]
    [InlineData(1000, 0, 100)]
    [InlineData(1000, 51, 95)]   // 94.9 % rounds up: the guardrail errs towards refusing
    [InlineData(0, 0, 0)]
    public void Used_percent_rounds_up(long total, long available, int expected) =>
        Assert.Equal(expected, DiskUsageGuardrail.UsedPercent(total, available));

    [Fact]
    public void A_replica_at_or_over_the_fail_threshold_refuses_the_write_and_names_the_replica()
    {
        var guardrail = new DiskUsageGuardrail(WarnPercent: 80, FailPercent: 95);
        var usage = new Dictionary<string, int?> { ["n1"] = 50, ["n2"] = 95, ["n3"] = null };
        var refused = Assert.Throws<DiskUsageExceededException>(() => guardrail.CheckWrite(Replicas, e => usage[e]));
        Assert.Equal("n2", refused.Replica);
        Assert.Equal(95, refused.UsedPercent);
        usage["n2"] = 94;
        guardrail.CheckWrite(Replicas, e => usage[e]); // under the threshold, unknown usage: allowed
        Assert.True(guardrail.Warns(80));
        Assert.False(guardrail.Warns(79));
        DiskUsageGuardrail.Off.CheckWrite(Replicas, _ => 100); // off: never refuses
    }
}
