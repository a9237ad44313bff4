using RingStore.Core.Partitioning;
using RingStore.Gossip.Ring;
using static RingStore.Gossip.Tests.Ring.RingTestData;

namespace RingStore.Gossip.Tests.Ring;

public class PendingRangeTests
{
    // A @ 0, B @ 100, C @ 200.
    private static readonly RingSnapshot Abc = RingSnapshot.Create([Member("A", 0), Member("B", 100), Member("C", 200)]);

    private static TokenRange Range(long left, long right) => new(new Token(left), new Token(right));

    [Fact]
    public void Joining_node_gets_the_piece_it_splits_off_at_rf1()
    {
        var pending = PendingRangeCalculator.Calculate(Abc, [Member("D", 50)], [], new SimpleStrategy(1));
        Assert.Equal([Range(0, 50)], pending.RangesFor("D"));
        Assert.Equal(["D"], Endpoints(pending.PendingFor(new Token(25))));
        Assert.Empty(pending.PendingFor(new Token(75)));
        Assert.Empty(pending.PendingFor(new Token(-5)));
    }

    [Fact]
    public void Joining_node_also_gets_ranges_it_will_replicate_for_its_predecessor_at_rf2()
    {
        // Future ring 0A 50D 100B 200C: D replicates (0,50] as primary and (200,0] as A's second replica.
        var pending = PendingRangeCalculator.Calculate(Abc, [Member("D", 50)], [], new SimpleStrategy(2));
        Assert.Equal([Range(200, 50)], pending.RangesFor("D"));
        Assert.Equal(["D"], Endpoints(pending.PendingFor(new Token(long.MaxValue))));
        Assert.Equal(["D"], Endpoints(pending.PendingFor(new Token(10))));
        Assert.Empty(pending.PendingFor(new Token(150)));
    }

    [Fact]
    public void Leaving_node_hands_its_ranges_to_the_next_replicas()
    {
        var rf1 = PendingRangeCalculator.Calculate(Abc, [], ["B"], new SimpleStrategy(1));
        Assert.Equal([Range(0, 100)], rf1.RangesFor("C"));
        Assert.Empty(rf1.RangesFor("A"));

        // RF 2: (0,100] was B,C and becomes C,A; (200,0] was A,B and becomes A,C.
        var rf2 = PendingRangeCalculator.Calculate(Abc, [], ["B"], new SimpleStrategy(2));
        Assert.Equal([Range(0, 100)], rf2.RangesFor("A"));
        Assert.Equal([Range(200, 0)], rf2.RangesFor("C"));
    }

    [Fact]
    public void No_moves_means_no_pending_ranges()
    {
        var pending = PendingRangeCalculator.Calculate(Abc, [], [], new SimpleStrategy(3));
        Assert.True(pending.IsEmpty);
        Assert.Empty(pending.PendingFor(new Token(1)));
    }

    [Fact]
    public void Pending_ranges_of_a_vnode_join_cover_exactly_what_the_node_will_replicate()
    {
        var rf3 = new SimpleStrategy(3);
        RingSnapshot ring = Grow(new RandomTokenAllocator(new Random(1)), 5, 16);
        var joiner = new NodeInfo("joiner");
        var member = new RingMember(joiner, new RandomTokenAllocator(new Random(2)).Allocate(ring, joiner, 16));
        var pending = PendingRangeCalculator.Calculate(ring, [member], [], rf3);
        var future = new ReplicaPlacement(ring.WithMember(member), rf3);
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            var t = new Token(random.NextInt64(long.MinValue + 1, long.MaxValue));
            bool willReplicate = future.GetReplicas(t).Any(n => n.Endpoint == "joiner");
            Assert.Equal(willReplicate, pending.PendingFor(t).Any(n => n.Endpoint == "joiner"));
        }
    }
}
